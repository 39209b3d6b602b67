import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleProject, gembatch, requireBuiltBin } from "@gembatch/test-utils";

// The umbrella bin, built; these tests run once `scan` is registered there.
await requireBuiltBin(["scan"]);
import type { ScanResult } from "../src/scan-result.js";

describe("built bin: gembatch scan", () => {
  it("scans the example project: one JSON document on stdout, SARIF on disk, exit 1 with --fail-on-findings", async () => {
    const dir = exampleProject();
    const run = await gembatch(dir, ["scan", "--json", "--sarif", "tmp/scan.sarif", "--fail-on-findings"]);
    expect(run.exitCode).toBe(1);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(result.success).toBe(false);
    expect(Object.keys(result.files_by_rule)).toEqual(
      expect.arrayContaining([
        "logger-bind",
        "mock-in-production",
        "blocking-call-in-async",
        "bare-except",
        "datetime-utcnow",
        "money-as-float",
      ]),
    );
    const sarif = JSON.parse(readFileSync(path.join(dir, "tmp/scan.sarif"), "utf8")) as {
      runs: Array<{ results: unknown[] }>;
    };
    expect(sarif.runs[0]!.results).toHaveLength(result.summary.total);
  });

  it("answers bad input with exit 2 and a one-line error, never a stack trace", async () => {
    const dir = exampleProject();
    const run = await gembatch(dir, ["scan", '{"rules": ["no-such-rule"]}']);
    expect(run.exitCode).toBe(2);
    expect((JSON.parse(run.stdout) as { error: { code: string; message: string } }).error.message).toBe(
      'rules: unknown rule id "no-such-rule"',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes one issue report per rule with --report", async () => {
    const dir = exampleProject();
    const run = await gembatch(dir, ["scan", "orders", "--report", "--rules", "logger-bind", "--json"]);
    expect(run.exitCode).toBe(0);
    expect((JSON.parse(run.stdout) as ScanResult).reports![0]).toMatchObject({
      rule: "logger-bind",
      success: true,
      report_file: path.join("tmp", "issues", "fix_logger_bind.md"),
    });
    expect(readFileSync(path.join(dir, "tmp/issues/fix_logger_bind.md"), "utf8")).toMatch(
      /^# Issue Report: logger_bind\n/,
    );
  });
});
