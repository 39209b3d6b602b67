import { createRequire } from "node:module";
import type * as NapiModule from "@ast-grep/napi";
import type { NapiConfig, SgRoot } from "@ast-grep/napi";
import type { AstLanguage, RuleSpec } from "./schema.js";

type Napi = typeof NapiModule;

/** Which parser a file gets, by extension; the napi names (`Lang.*`) and the registered Python one. */
const BY_EXTENSION: Record<string, AstLanguage> = {
  py: "python",
  pyi: "python",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "tsx",
};

const NAPI_NAME: Record<AstLanguage, string> = {
  python: "python",
  javascript: "JavaScript",
  typescript: "TypeScript",
  tsx: "Tsx",
};

let loaded: { napi: Napi; languages: Set<AstLanguage> } | null | undefined;

/**
 * ast-grep is loaded on first use, with the prebuilt parsers its packages ship. Where it cannot
 * load (a platform without prebuilds), structural rules fall back to their regex form.
 */
export function astEngine(): { napi: Napi; languages: Set<AstLanguage> } | null {
  if (loaded !== undefined) return loaded;
  const require = createRequire(import.meta.url);
  try {
    const napi = require("@ast-grep/napi") as Napi;
    const languages = new Set<AstLanguage>(["javascript", "typescript", "tsx"]);
    try {
      napi.registerDynamicLanguage({
        python: require("@ast-grep/lang-python") as Parameters<Napi["registerDynamicLanguage"]>[0][string],
      });
      languages.add("python");
    } catch {
      // No Python parser for this platform: Python files use the regex fallback.
    }
    loaded = { napi, languages };
  } catch {
    loaded = null;
  }
  return loaded;
}

function languageOf(file: string): AstLanguage | undefined {
  const dot = file.lastIndexOf(".");
  return dot === -1 ? undefined : BY_EXTENSION[file.slice(dot + 1).toLowerCase()];
}

/** The language to parse `file` with for this rule, or undefined when the regex form applies. */
export function astLanguageFor(spec: RuleSpec, file: string): AstLanguage | undefined {
  if (!spec.ast) return undefined;
  const language = languageOf(file);
  return language && astEngine()?.languages.has(language) ? language : undefined;
}

function configOf(spec: RuleSpec): NapiConfig {
  const ast = spec.ast!;
  return {
    rule: ast.rule,
    ...(ast.constraints ? { constraints: ast.constraints } : {}),
    ...(ast.utils ? { utils: ast.utils } : {}),
  } as NapiConfig;
}

/** A rule that ast-grep rejects is a config error, reported when the rules are loaded. */
export function astRuleProblem(spec: RuleSpec): string | undefined {
  const engine = astEngine();
  if (!spec.ast || !engine) return undefined;
  const extensions = spec.extensions?.map((ext) => ext.replace(/^\./, "").toLowerCase());
  const languages = [...engine.languages].filter(
    (language) => !extensions?.length || extensions.some((ext) => BY_EXTENSION[ext] === language),
  );
  for (const language of languages) {
    try {
      engine.napi.parse(NAPI_NAME[language], "").root().findAll(configOf(spec));
    } catch (error) {
      return `ast rule: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  return undefined;
}

/** Offsets of every node the rule matches, in order; UTF-16 offsets, as in the JavaScript string. */
export function findAstMatches(
  spec: RuleSpec,
  language: AstLanguage,
  text: string,
): Array<{ start: number; end: number }> {
  const engine = astEngine()!;
  let root: SgRoot;
  try {
    root = engine.napi.parse(NAPI_NAME[language], text);
  } catch {
    return [];
  }
  return root
    .root()
    .findAll(configOf(spec))
    .map((node) => {
      const range = node.range();
      return { start: range.start.index, end: range.end.index };
    })
    .sort((a, b) => a.start - b.start || a.end - b.end);
}
