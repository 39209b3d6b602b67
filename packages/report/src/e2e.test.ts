import { spawnSync } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readReport } from "./parse-report.js";
import { tempTree } from "@gembatch/test-utils";
import type { ReportResult } from "./cli.js";

// The umbrella bin, built; these tests run once `report` is registered there.
const bin = process.env.GEMBATCH_E2E_BIN ?? fileURLToPath(new URL("../../cli/bin/gembatch.js", import.meta.url));
const example = fileURLToPath(new URL("../../../examples/python-service", import.meta.url));
const wired =
  existsSync(bin) &&
  /^ {2}report\s/m.test(spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" }).stdout ?? "");

if (!wired) throw new Error("the built gembatch bin does not list report: run the build (pnpm build) first");

describe("built bin: gembatch report", () => {
  it("writes a report from a JSON argument that parses back to the same files", async () => {
    const dir = tempTree();
    cpSync(example, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
    const args = {
      issue: "logger_bind",
      files_to_fix: ["orders/service.py", "orders/payments.py"],
      details: "logger.bind() is deprecated.",
      include_imports: true,
    };
    const run = await execa(process.execPath, [bin, "report", JSON.stringify(args)], { cwd: dir, reject: false });
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout) as ReportResult;
    expect(result.report_file).toBe(path.join("tmp", "issues", "fix_logger_bind.md"));
    expect(result.context_files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["orders/service.py", "orders/payments.py", "orders/logger.py", "orders/storage.py"]),
    );
    const report = readReport(path.join(dir, result.report_file));
    expect(report.filesToFix).toEqual(["orders/service.py", "orders/payments.py"]);
  });

  it("exits 2 naming the missing file", async () => {
    const dir = tempTree({ "a.py": "" });
    const run = await execa(process.execPath, [bin, "report", "--issue", "x", "a.py", "b.py"], {
      cwd: dir,
      reject: false,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("files_to_fix[1]: file not found: b.py");
  });
});
