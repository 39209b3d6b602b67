import { describe, expect, it } from "vitest";
import { ExitCode } from "@gembatch/core";
import { invoke, tempTree } from "@gembatch/test-utils";
import type { ErrorDoc } from "@gembatch/test-utils";
import { scanCommand, type RuleListResult } from "../cli.js";
import type { ScanResult } from "../scan-result.js";
import { scanText } from "../scan-file.js";
import { astEngine, astRuleProblem } from "./ast.js";
import { compileRule } from "./compile.js";
import { parseBuiltinRules } from "./load.js";
import { RuleSpecSchema } from "./schema.js";

/** `scan --json`: the scan, the rule list (`--list-rules`) or the error; each test reads the one it expects. */
type ScanDoc = ScanResult & RuleListResult & ErrorDoc;

const builtin = new Map(parseBuiltinRules().map((spec) => [spec.id, spec]));

/**
 * A structural stub rule without the regex form's six-line guess (parsing every file with a stub is costly, so it is
 * not a built-in).
 */
const STUB_RULE = RuleSpecSchema.parse({
  ...builtin.get("not-implemented")!,
  id: "stub",
  not_nearby: undefined,
  ast: {
    rule: {
      any: [{ pattern: "raise NotImplementedError" }, { pattern: "raise NotImplementedError($$$)" }],
      not: {
        any: [
          {
            inside: {
              kind: "decorated_definition",
              has: { kind: "decorator", regex: "\\b(?:abstractmethod|overload)\\b" },
              stopBy: "end",
            },
          },
          {
            inside: {
              kind: "class_definition",
              has: { field: "superclasses", regex: "\\bProtocol\\b" },
              stopBy: "end",
            },
          },
        ],
      },
    },
    prefilter: "NotImplementedError",
  },
});

function found(ruleId: string, file: string, code: string, options: { regexOnly?: boolean } = {}) {
  const spec = ruleId === "stub" ? STUB_RULE : builtin.get(ruleId)!;
  const rule = compileRule(options.regexOnly ? { ...spec, ast: undefined } : spec);
  return scanText(file, code, [rule], { contextLines: 0 }).findings.map((f) => `${f.line}:${f.match}`);
}

const ASYNC = [
  "import asyncio, time, requests, subprocess", //  1
  "",
  "async def handler(request):", //  3
  "    time.sleep(1)", //  4
  "    data = requests.get(request.url).json()", //  5
  "    def helper():", //  6
  "        time.sleep(2)", //  7: a nested sync def runs elsewhere
  "    later = lambda: time.sleep(3)", //  8: so does a lambda
  "    subprocess.run(['ls'])", //  9: after a nested def, still the async body
  "    requests.session()", // 10: not a blocking request method
  "",
  "class Service:",
  "    @retry(times=3)",
  "    async def fetch(self):", // 14
  "        await asyncio.sleep(0)",
  "        return self._fetch_sync(timeout=requests.post('u'))", // 16: two calls on one line
  "",
  "    def sync_path(self):",
  "        time.sleep(4)", // 19: not async
  "",
  "async def outer():",
  "    async def inner():",
  "        os.system('x')", // 23
  "    # time.sleep(5) in a comment",
  "    s = 'time.sleep(6) in a string'",
].join("\n");

describe("structural rules (ast-grep)", () => {
  it("the parsers load on this platform, and ast-grep accepts every built-in structural rule (load time does not check them)", () => {
    expect(astEngine()?.languages).toEqual(new Set(["javascript", "typescript", "tsx", "python"]));
    const structural = [...builtin.values()].filter((spec) => spec.ast);
    expect(structural.map((spec) => spec.id)).toEqual(["blocking-call-in-async"]);
    for (const spec of structural) expect(astRuleProblem(spec), spec.id).toBeUndefined();
    expect(astRuleProblem({ ...structural[0]!, ast: { rule: { patern: "x" } } })).toMatch(/patern/);
  });

  it("blocking-call-in-async: every blocking call whose innermost function is async, none in nested defs, lambdas, comments or strings", () => {
    expect(found("blocking-call-in-async", "svc/handler.py", ASYNC)).toEqual([
      "4:time.sleep(1)",
      "5:requests.get(request.url)",
      "9:subprocess.run(['ls'])",
      "16:self._fetch_sync(timeout=requests.post('u'))",
      "16:requests.post('u')",
      "23:os.system('x')",
    ]);
  });

  it("the regex form, kept for platforms without a parser, finds only the first call after each async def line", () => {
    expect(
      found("blocking-call-in-async", "svc/handler.py", ASYNC, { regexOnly: true }).map((f) => f.split(":")[0]),
    ).toEqual(["4", "16", "23"]);
  });

  it("a structural stub rule: stubs everywhere, but not abstract methods, overloads or Protocol members, however far the decorator is", () => {
    const code = [
      "from abc import ABC, abstractmethod",
      "class Base(ABC):",
      "    @abstractmethod",
      "    def run(self):",
      '        """A long docstring',
      "        that runs over",
      "        many lines",
      "        before the body",
      '        """',
      "        raise NotImplementedError", // 10: abstract, decorator 7 lines up (regex form's window is 6)
      "class Port(Protocol):",
      "    def send(self): raise NotImplementedError", // 12
      "def export_csv(rows):",
      "    raise NotImplementedError('csv export')", // 14
      "class Impl(Base):",
      "    @property",
      "    def name(self):",
      "        raise NotImplementedError", // 18
    ].join("\n");
    expect(found("stub", "pkg/a.py", code)).toEqual([
      "14:raise NotImplementedError('csv export')",
      "18:raise NotImplementedError",
    ]);
    // The built-in's six-line guess: the real stub at 14 is lost to the Protocol three lines up.
    expect(found("not-implemented", "pkg/a.py", code).map((f) => f.split(":")[0])).toEqual(["18"]);
  });

  it("a custom structural rule in the config runs on TypeScript and reports every occurrence with its position", async () => {
    const dir = tempTree({
      "gembatch.config.json": JSON.stringify({
        scan: {
          builtin: false,
          rules: [
            {
              id: "no-sync-fs",
              message: "sync fs in async code",
              ast: {
                rule: {
                  pattern: "fs.$M($$$)",
                  inside: { kind: "function_declaration", regex: "^async", stopBy: "end" },
                },
                constraints: { M: { regex: "Sync$" } },
              },
              extensions: ["ts"],
            },
          ],
        },
      }),
      "src/a.ts":
        "import fs from 'node:fs';\nasync function load() {\n  const a = fs.readFileSync('a');\n  return [a, fs.statSync('b'), fs.promises.readFile('c')];\n}\nfunction ok() { fs.readFileSync('d'); }\n",
    });
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(
      out.json.findings.map((f: { line: number; column: number; match: string }) => [f.line, f.column, f.match]),
    ).toEqual([
      [3, 13, "fs.readFileSync('a')"],
      [4, 14, "fs.statSync('b')"],
    ]);
  });

  it("a rule with neither a regex nor an ast rule, or an ast rule ast-grep rejects, is a config error naming the rule", async () => {
    expect(RuleSpecSchema.safeParse({ id: "empty", message: "m" }).error?.issues[0]?.message).toContain(
      'rule "empty": needs a pattern (a regex) or an ast rule',
    );
    const dir = tempTree({
      "gembatch.config.json": JSON.stringify({
        scan: { rules: [{ id: "typo", message: "m", ast: { rule: { patern: "x" } }, extensions: ["py"] }] },
      }),
      "a.py": "x\n",
    });
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir });
    expect(out.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(out.stderr).toMatch(/rule "typo" \(.*\): ast rule: .*patern/);
  });
});
