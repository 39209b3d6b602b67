import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { tempTree } from "@gembatch/test-utils";
import type { ScanResult } from "./scan-result.js";

// The umbrella bin, built; these tests run once `scan` is registered there.
const bin = process.env.GEMBATCH_E2E_BIN ?? fileURLToPath(new URL("../../cli/bin/gembatch.js", import.meta.url));
const example = fileURLToPath(new URL("../../../examples/python-service", import.meta.url));
const wired =
  existsSync(bin) &&
  /^ {2}scan\s/m.test(spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" }).stdout ?? "");

function copyExample(): string {
  const dir = tempTree();
  cpSync(example, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  return dir;
}

if (!wired) throw new Error("the built gembatch bin does not list scan: run the build (pnpm build) first");

describe("built bin: gembatch scan", () => {
  it("scans the example project: one JSON document on stdout, SARIF on disk, exit 1 with --fail-on-findings", async () => {
    const dir = copyExample();
    const run = await execa(
      process.execPath,
      [bin, "scan", "--json", "--sarif", "tmp/scan.sarif", "--fail-on-findings"],
      { cwd: dir, reject: false, env: { GEMBATCH_MODEL: "" } },
    );
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
    const dir = copyExample();
    const run = await execa(process.execPath, [bin, "scan", '{"rules": ["no-such-rule"]}'], {
      cwd: dir,
      reject: false,
    });
    expect(run.exitCode).toBe(2);
    expect((JSON.parse(run.stdout) as { error: { code: string; message: string } }).error.message).toBe(
      'rules: unknown rule id "no-such-rule"',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes one issue report per rule with --report", async () => {
    const dir = copyExample();
    const run = await execa(process.execPath, [bin, "scan", "orders", "--report", "--rules", "logger-bind", "--json"], {
      cwd: dir,
      reject: false,
    });
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
