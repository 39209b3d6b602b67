import { readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { CliError, formatZodError, isInsideDir, parseConfigJson, readProjectFile } from "@gembatch/core";
import { BUILTIN_RULES } from "./builtin.js";
import { astRuleProblem } from "./ast.js";
import { compileRule, type CompiledRule } from "./compile.js";
import {
  RuleSpecSchema,
  RulesArraySchema,
  RulesFileSchema,
  ScanConfigSchema,
  type RuleSpec,
  type ScanConfig,
} from "./schema.js";

export interface LoadedRule {
  rule: CompiledRule;
  /** `builtin`, `config`, or the rules file it came from. */
  source: string;
}

function invalid(label: string, error: z.ZodError, prefix: string): CliError {
  const { message, problems } = formatZodError(error);
  return new CliError("CONFIG_INVALID", `${label}: ${prefix}${message}`, {
    hint: `fix ${label}; see the rule format in the @gembatch/scan README`,
    details: { problems: problems.map((p) => `${prefix}${p}`) },
  });
}

/** Validate the raw `scan` section of gembatch.config.json, naming the file and key on failure. */
export function parseScanConfig(raw: unknown, fileLabel = "gembatch.config.json"): ScanConfig {
  if (raw === undefined) return {};
  const parsed = ScanConfigSchema.safeParse(raw);
  if (!parsed.success) throw invalid(fileLabel, parsed.error, "scan.");
  return parsed.data;
}

export function parseBuiltinRules(): RuleSpec[] {
  return BUILTIN_RULES.map((rule) => RuleSpecSchema.parse(rule));
}

/**
 * Read a rules file (`{"rules": [...]}` or `[...]`); errors name the file. With `root`, a file inside
 * the project is read through the project guard: its messages and hints go into reports and prompts.
 */
export function readRulesFile(file: string, label = file, root?: string): RuleSpec[] {
  const guarded = root !== undefined && isInsideDir(path.resolve(root), path.resolve(root, file));
  let text: string;
  try {
    text = guarded
      ? readProjectFile(root, file, { field: "rules_file", display: label }).bytes.toString("utf8")
      : readFileSync(file, "utf8");
  } catch (error) {
    // The guard's refusals (a link out, .git) stand as they are; a missing file reads as before.
    if (error instanceof CliError && error.code !== "FILE_NOT_FOUND") throw error;
    const code = error instanceof CliError ? "ENOENT" : (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === "ENOENT" ? "FILE_NOT_FOUND" : "CONFIG_INVALID",
      `${label}: rules file ${code === "ENOENT" ? "not found" : "cannot be read"}`,
      {
        hint: "check rules_file in gembatch.config.json or the --rules-file flag",
      },
    );
  }
  const raw = parseConfigJson(text, label);
  const parsed = (Array.isArray(raw) ? RulesArraySchema : RulesFileSchema).safeParse(raw);
  if (!parsed.success) throw invalid(label, parsed.error, "");
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.rules;
}

interface LoadRulesOptions {
  root: string;
  config: ScanConfig;
  /** Extra rules files (from a flag), relative to `root` unless absolute. */
  rulesFiles?: string[] | undefined;
  /** Run only these ids (flag wins over config). */
  only?: string[] | undefined;
  disable?: string[] | undefined;
}

/**
 * Built-in rules, then config rules, then rules files; a later rule with the same id replaces an
 * earlier one, so a project can retune a built-in rule by redefining its id.
 */
export function loadRules(options: LoadRulesOptions): LoadedRule[] {
  const byId = new Map<string, { spec: RuleSpec; source: string }>();
  if (options.config.builtin !== false)
    for (const spec of parseBuiltinRules()) byId.set(spec.id, { spec, source: "builtin" });
  for (const spec of options.config.rules ?? []) byId.set(spec.id, { spec, source: "config" });
  const configFiles = options.config.rules_file === undefined ? [] : [options.config.rules_file].flat();
  for (const file of [...configFiles, ...(options.rulesFiles ?? [])]) {
    const absolute = path.resolve(options.root, file);
    const label = path.relative(options.root, absolute) || file;
    for (const spec of readRulesFile(absolute, label, options.root)) byId.set(spec.id, { spec, source: label });
  }
  const only = options.only ?? options.config.enable;
  const disable = new Set([...(options.config.disable ?? []), ...(options.disable ?? [])]);
  for (const id of [...(only ?? []), ...disable]) {
    if (!byId.has(id)) {
      throw new CliError("BAD_INPUT", `rules: unknown rule id "${id}"`, {
        hint: `known rules: ${[...byId.keys()].join(", ")}`,
      });
    }
  }
  const chosen = [...byId.values()].filter(({ spec }) => (!only || only.includes(spec.id)) && !disable.has(spec.id));
  // Built-ins are checked by their tests; only a project's own structural rules are tried here, so a
  // scan without any loads no parser at start-up.
  for (const { spec, source } of chosen.filter((entry) => entry.source !== "builtin")) {
    const problem = astRuleProblem(spec);
    if (problem)
      throw new CliError("CONFIG_INVALID", `rule "${spec.id}" (${source}): ${problem}`, {
        hint: "see https://ast-grep.github.io/reference/rule.html for the rule object",
      });
  }
  return chosen.map(({ spec, source }) => ({ rule: compileRule(spec), source }));
}
