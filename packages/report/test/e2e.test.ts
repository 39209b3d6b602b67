import path from "node:path";
import { describe, expect, it } from "vitest";
import { readReport } from "../src/parse-report.js";
import { exampleProject, gembatch, requireBuiltBin, tempTree } from "@gembatch/test-utils";

// The umbrella bin, built; these tests run once `report` is registered there.
await requireBuiltBin(["report"]);
import type { ReportResult } from "../src/cli.js";

describe("built bin: gembatch report", () => {
  it("writes a report from a JSON argument that parses back to the same files", async () => {
    const dir = exampleProject();
    const args = {
      issue: "logger_bind",
      files_to_fix: ["orders/service.py", "orders/payments.py"],
      details: "logger.bind() is deprecated.",
      include_imports: true,
    };
    const run = await gembatch(dir, ["report", JSON.stringify(args)]);
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
    const run = await gembatch(dir, ["report", "--issue", "x", "a.py", "b.py"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("files_to_fix[1]: file not found: b.py");
  });
});
