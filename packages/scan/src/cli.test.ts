import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "@gembatch/core";
import { scanCommand, type RuleListResult } from "./cli.js";
import type { ScanResult } from "./scan-result.js";
import { commitAll, gitInit, invoke, tempTree, writeTree } from "@gembatch/test-utils";
import type { ErrorDoc } from "@gembatch/test-utils";

/** `scan --json`: the scan, the rule list (`--list-rules`) or the error; each test reads the one it expects. */
type ScanDoc = ScanResult & RuleListResult & ErrorDoc;

const project = {
  "src/sink.py":
    "from loguru import logger\n\ndef emit(execution_id):\n    logger.bind(execution_id=execution_id).info('x')\n",
  "src/util.py": "try:\n    run()\nexcept:\n    pass\n",
  "tests/test_sink.py": "from unittest.mock import MagicMock\n",
  "tmp/gemini_extracted_1/src/sink.py": "logger.bind(x=1)\n",
};

describe("gembatch scan", () => {
  it("returns findings, files by rule, skipped files and a summary as one JSON document", async () => {
    const dir = tempTree(project);
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      positionals: ['{"rules": ["logger-bind", "bare-except", "mock-in-production"]}'],
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.json).toMatchObject({
      success: true,
      root: dir,
      rules_run: ["mock-in-production", "logger-bind", "bare-except"],
      files_scanned: 3,
      files_by_rule: { "logger-bind": ["src/sink.py"], "bare-except": ["src/util.py"] },
      skipped: [],
      summary: { total: 2, by_severity: { error: 0, warning: 2, note: 0 } },
    });
    expect(out.json.findings[0]).toMatchObject({
      rule: "logger-bind",
      severity: "warning",
      file: "src/sink.py",
      line: 4,
      column: 5,
      match: "logger.bind(",
      fix_hint: expect.stringContaining("contextualize") as unknown,
      context: {
        before: ["", "def emit(execution_id):"],
        line: "    logger.bind(execution_id=execution_id).info('x')",
        after: [],
      },
    });
  });

  it("takes the same input as flags and prints a table", async () => {
    const dir = tempTree(project);
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      positionals: ["src"],
      flags: { rules: ["bare-except"] },
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.stdout).toContain("src/util.py:3:1");
    expect(out.stdout).toContain("1 finding(s) (1 warning) in 1 file(s)");
  });

  it("exits 1 with --fail-on-findings while findings remain, 0 without", async () => {
    const dir = tempTree(project);
    const failing = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true, flags: { fail_on_findings: true } });
    expect(failing.exitCode).toBe(ExitCode.ITEMS_FAILED);
    expect(failing.json.success).toBe(false);
    const clean = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { fail_on_findings: true, rules: ["console-log"] },
    });
    expect(clean.exitCode).toBe(ExitCode.OK);
  });

  it("writes SARIF to --sarif and lists its path", async () => {
    const dir = tempTree(project);
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true, flags: { sarif: "out/scan.sarif" } });
    expect(out.json.sarif_file).toBe(path.join("out", "scan.sarif"));
    const sarif = JSON.parse(readFileSync(path.join(dir, "out/scan.sarif"), "utf8")) as {
      runs: Array<{ results: unknown[] }>;
    };
    expect(sarif.runs[0]!.results.length).toBe(out.json.summary.total);
  });

  it("keeps a hard-coded API key out of the SARIF file (it is uploaded to code scanning)", async () => {
    const key = `AIza${"Sy0x_".repeat(7)}`;
    const dir = tempTree({ "src/config.py": `API_KEY = "${key}"\n` });
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { sarif: "out/scan.sarif", rules: ["hardcoded-secret"] },
    });
    expect(out.json.summary.total).toBe(1);
    const sarif = readFileSync(path.join(dir, "out/scan.sarif"), "utf8");
    expect(sarif).toContain("[REDACTED]");
    expect(sarif).not.toContain(key);
  });

  it("reports only new findings against a git ref baseline", async () => {
    const dir = tempTree(project);
    gitInit(dir);
    commitAll(dir);
    writeTree(dir, { "src/new.py": "import pdb; pdb.set_trace()\n" });
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { baseline: "HEAD", fail_on_findings: true },
    });
    expect(out.json.findings.map((f: { file: string }) => f.file)).toEqual(["src/new.py"]);
    expect(out.json.baseline).toEqual({ source: "HEAD", kind: "git", known: 2, new: 1 });
    expect(out.exitCode).toBe(ExitCode.ITEMS_FAILED);
  });

  it("reads scan settings and custom rules from gembatch.config.json, and names the rule in a config error", async () => {
    const rule = { id: "no-eval", message: "eval", pattern: "\\beval\\(", extensions: ["py"] };
    const dir = tempTree({
      ...project,
      "src/calc.py": "eval(expr)\n",
      "gembatch.config.json": JSON.stringify({ scan: { rules: [rule], disable: ["bare-except"] } }),
    });
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true });
    expect(out.json.summary.by_rule).toEqual({ "no-eval": 1, "logger-bind": 1 });
    writeTree(dir, { "gembatch.config.json": JSON.stringify({ scan: { rules: [{ ...rule, pattern: "eval(" }] } }) });
    const bad = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true });
    expect(bad.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(bad.json.error.code).toBe("CONFIG_INVALID");
    expect(bad.json.error.message).toMatch(
      /^gembatch\.config\.json: scan\.rules\[0\]\.pattern: rule "no-eval": invalid regular expression/,
    );
  });

  it("refuses paths outside the project root and unknown keys", async () => {
    const dir = tempTree({ ...project, "gembatch.config.json": "{}" });
    const outside = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true, positionals: ["../"] });
    expect(outside.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(outside.json.error).toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      message: "paths[0]: outside the project root: ../",
    });
    const typo = await invoke<ScanDoc>(scanCommand, { cwd: dir, positionals: ['{"rule": ["x"]}'] });
    expect(typo.json.error.message).toBe('rule: unknown key (did you mean "rules"?)');
    const report = await invoke<ScanDoc>(scanCommand, { cwd: dir, positionals: ['{"report": true}'] });
    expect(report.json.error.message).toMatch(/^report: unknown key/);
  });

  it("lists the rules with --list-rules, and leaves the tmp dir alone", async () => {
    const dir = tempTree(project);
    const listed = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true, flags: { list_rules: true } });
    expect(listed.json.rules.map((r: { id: string }) => r.id)).toContain("blocking-call-in-async");
    const scanned = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true, flags: { rules: ["logger-bind"] } });
    expect(scanned.json.files_by_rule["logger-bind"]).toEqual(["src/sink.py"]);
    const withTmp = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { rules: ["logger-bind"], default_excludes: false },
    });
    expect(existsSync(path.join(dir, "tmp"))).toBe(true);
    // The tmp dir holds gembatch's copies of project files: never scanned, whatever the excludes say.
    expect(withTmp.json.files_by_rule["logger-bind"]).toEqual(["src/sink.py"]);
  });
});

describe("gembatch scan: large outputs, named paths and its own config", () => {
  const many = { "src/many.py": Array.from({ length: 1500 }, () => "try:\n    run()\nexcept:\n    pass\n").join("") };

  it("--jsonl streams every finding on its own line past the default cap, then one summary line", async () => {
    const dir = tempTree(many);
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, flags: { rules: ["bare-except"], jsonl: true } });
    expect(out.exitCode).toBe(ExitCode.OK);
    const lines = out.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; rule?: string; findings?: unknown });
    expect(lines).toHaveLength(1501);
    expect(lines.slice(0, -1).every((line) => line.type === "finding" && line.rule === "bare-except")).toBe(true);
    expect(lines[1499]).toMatchObject({ file: "src/many.py", line: 1500 * 4 - 1 });
    expect(lines[1500]).toMatchObject({
      type: "summary",
      findings_total: 1500,
      findings_truncated: false,
      summary: { total: 1500 },
    });
    expect(lines[1500]!.findings).toBeUndefined();
  });

  it("--json keeps the one document with its cap, and the table points to --jsonl for the rest", async () => {
    const dir = tempTree(many);
    const json = await invoke<ScanDoc>(scanCommand, { cwd: dir, json: true, flags: { rules: ["bare-except"] } });
    expect(json.json).toMatchObject({ findings_total: 1500, findings_truncated: true });
    expect(json.json.findings).toHaveLength(1000);
    const text = await invoke<ScanDoc>(scanCommand, { cwd: dir, flags: { rules: ["bare-except"] } });
    expect(text.stdout).toContain("use --jsonl or --sarif <file> for all of them");
  });

  it("a named path that does not exist is an input error (exit 2) naming it, as with rg", async () => {
    const dir = tempTree(project);
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, positionals: ["src", "nope", "also/missing.py"] });
    expect(out.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(out.stderr).toContain("paths: not found: also/missing.py, nope");
  });

  it("does not scan its own config and rules files, whose patterns would match themselves", async () => {
    const rules = { rules: [{ id: "no-frobnicate", pattern: "frobnicate", message: "m", severity: "warning" }] };
    const dir = tempTree({
      "gembatch.config.json": JSON.stringify({ scan: { rules: rules.rules } }),
      "rules/extra.json": JSON.stringify({
        rules: [{ id: "no-twiddle", pattern: "twiddle", message: "m", severity: "warning" }],
      }),
      "src/a.js": "frobnicate(1); twiddle(2);\n",
    });
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { rules_file: "rules/extra.json", rules: ["no-frobnicate", "no-twiddle"] },
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.json.files_by_rule).toEqual({ "no-frobnicate": ["src/a.js"], "no-twiddle": ["src/a.js"] });
  });
});
