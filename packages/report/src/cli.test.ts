import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "@gembatch/core";
import { reportCommand, scanCommand, type ReportResult } from "./cli.js";
import { readReport } from "./parse-report.js";
import { invoke, tempTree, type ErrorDoc } from "@gembatch/test-utils";
import type { ScanResult } from "@gembatch/scan";

const project = {
  "src/sink.py": "from src.util import fmt\n\ndef emit(x):\n    logger.bind(x=x).info(fmt(x))\n",
  "src/util.py": "def fmt(x):\n    return str(x)\n",
  "src/big.py": `data = "${"x".repeat(8000)}"\n`,
  "src/other.py": "try:\n    pass\nexcept:\n    pass\n",
};

describe("gembatch report", () => {
  it("writes tmp/issues/fix_<issue>.md and returns paths and token figures, not contents", async () => {
    const dir = tempTree(project);
    const args = {
      issue: "logger_bind",
      files_to_fix: ["src/sink.py"],
      details: "Replace logger.bind().",
      include_imports: true,
      project: "svc",
    };
    const out = await invoke<ReportResult & ErrorDoc>(reportCommand, { cwd: dir, positionals: [JSON.stringify(args)] });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.json).toMatchObject({
      success: true,
      report_file: path.join("tmp", "issues", "fix_logger_bind.md"),
      issue: "logger_bind",
      files_to_fix: ["src/sink.py"],
      context_files: [
        { path: "src/sink.py", reason: "fix", bytes: 73, tokens: 19 },
        { path: "src/util.py", reason: "import", bytes: 30, tokens: 8 },
      ],
      token_limit: 1_048_576,
      model: "gemini-flash-latest",
    });
    expect(JSON.stringify(out.json)).not.toContain("return str(x)");
    const parsed = readReport(path.join(dir, out.json.report_file));
    expect(parsed).toMatchObject({
      issue: "logger_bind",
      project: "svc",
      filesToFix: ["src/sink.py"],
      details: "Replace logger.bind().",
    });
    expect(parsed.contextFiles.map((f) => f.content)).toEqual([project["src/sink.py"], project["src/util.py"]]);
    expect(out.json.total_tokens).toBe(
      Math.ceil(readFileSync(path.join(dir, out.json.report_file), "utf8").length / 4),
    );
  });

  it("takes flags and positionals, with globs and an output file", async () => {
    const dir = tempTree({ ...project, "gembatch.config.json": "{}" });
    const out = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: path.join(dir, "src"),
      positionals: ["other.py"],
      flags: {
        issue: "bare except",
        details: "Catch Exception.",
        context_globs: ["u*.py"],
        output_file: "../reports/r.md",
      },
      json: true,
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.json.report_file).toBe(path.join("..", "reports", "r.md"));
    expect(out.json.context_files.map((f: { path: string; reason: string }) => `${f.path}:${f.reason}`)).toEqual([
      "src/other.py:fix",
      "src/util.py:glob",
    ]);
    const text = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: dir,
      positionals: ["src/other.py"],
      flags: { issue: "bare except", details: "x" },
    });
    expect(text.stdout).toMatch(/^Wrote tmp\/issues\/fix_bare_except\.md: 1 file\(s\) to fix/);
  });

  it("names the field of a missing file and refuses paths outside the project", async () => {
    const dir = tempTree({ ...project, "gembatch.config.json": "{}" });
    const missing = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: dir,
      positionals: [JSON.stringify({ issue: "x", files_to_fix: ["src/sink.py", "src/util.py", "src/x.py"] })],
    });
    expect(missing.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(missing.json.error).toMatchObject({
      code: "FILE_NOT_FOUND",
      message: "files_to_fix[2]: file not found: src/x.py",
    });
    const outside = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: dir,
      positionals: [JSON.stringify({ issue: "x", files_to_fix: ["src/sink.py"], context_files: ["../etc/passwd"] })],
    });
    expect(outside.json.error).toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      message: "context_files[0]: outside the project root: ../etc/passwd",
    });
    const empty = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: dir,
      positionals: [JSON.stringify({ issue: "x", files_to_fix: [] })],
    });
    expect(empty.json.error.message).toBe("files_to_fix: list at least one file");
  });

  it("refuses a report over max_context_tokens with exit 2 and names the files to drop", async () => {
    const dir = tempTree(project);
    const args = {
      issue: "x",
      files_to_fix: ["src/sink.py"],
      context_files: ["src/util.py", "src/big.py"],
      max_context_tokens: 1000,
    };
    const out = await invoke<ReportResult & ErrorDoc>(reportCommand, { cwd: dir, positionals: [JSON.stringify(args)] });
    expect(out.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(out.json.error.message).toMatch(
      /^report: ~\d+ tokens is over the limit of 1000 \(max_context_tokens\); drop these context files to fit: src\/big\.py \(~2003 tokens\)$/,
    );
    expect(out.json.error.details.drop).toEqual([{ path: "src/big.py", tokens: 2003 }]);
    const alone = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: dir,
      positionals: [JSON.stringify({ issue: "x", files_to_fix: ["src/big.py"], max_context_tokens: 1000 })],
    });
    expect(alone.json.error.message).toMatch(/the files to fix alone do not fit$/);
  });

  it("warns and assumes 1,048,576 tokens for a model without a known limit", async () => {
    const dir = tempTree({ ...project, "gembatch.config.json": JSON.stringify({ model: "gemini-9-experimental" }) });
    const out = await invoke<ReportResult & ErrorDoc>(reportCommand, {
      cwd: dir,
      json: true,
      positionals: ["src/util.py"],
      flags: { issue: "x", details: "d" },
    });
    expect(out.json.token_limit).toBe(1_048_576);
    expect(out.json.warnings).toEqual([
      'model "gemini-9-experimental" has no known input limit; assuming 1,048,576 tokens',
    ]);
  });
});

describe("gembatch scan --report", () => {
  it("writes one report per rule with findings, in the seed's format", async () => {
    const dir = tempTree(project);
    const out = await invoke<ScanResult & ErrorDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { report: true, rules: ["logger-bind", "bare-except", "console-log"] },
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.json.reports).toEqual([
      {
        rule: "logger-bind",
        issue: "logger_bind",
        success: true,
        report_file: path.join("tmp", "issues", "fix_logger_bind.md"),
        files_to_fix: 1,
        total_tokens: expect.any(Number) as unknown,
      },
      {
        rule: "bare-except",
        issue: "bare_except",
        success: true,
        report_file: path.join("tmp", "issues", "fix_bare_except.md"),
        files_to_fix: 1,
        total_tokens: expect.any(Number) as unknown,
      },
    ]);
    const report = readReport(path.join(dir, "tmp/issues/fix_logger_bind.md"));
    expect(report.filesToFix).toEqual(["src/sink.py"]);
    expect(report.details).toContain("Rule `logger-bind` (warning): Deprecated logger.bind(...) call.");
    expect(report.details).toContain("How to fix: Pass the context as keyword arguments");
    expect(report.details).toContain("4 >     logger.bind(x=x).info(fmt(x))");
    expect(report.contextFiles.map((f) => f.path)).toEqual(["src/sink.py"]);
  });

  it("fails (exit 1) but writes the others when one rule's report is too large", async () => {
    const dir = tempTree({ ...project, "src/big.py": `${project["src/big.py"]}except:\n    pass\n` });
    const out = await invoke<ScanResult & ErrorDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { report: true, rules: ["logger-bind", "bare-except"], max_context_tokens: 1500 },
    });
    expect(out.exitCode).toBe(ExitCode.ITEMS_FAILED);
    const byRule = Object.fromEntries(out.json.reports!.map((r) => [r.rule, r]));
    expect(byRule["logger-bind"]!.success).toBe(true);
    expect(byRule["bare-except"]).toMatchObject({
      success: false,
      error: { code: "BAD_INPUT", message: expect.stringContaining("the files to fix alone do not fit") as unknown },
    });
  });
});
