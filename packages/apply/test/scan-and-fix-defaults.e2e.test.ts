import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addScanRule, exampleProject } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";

// A stub no model can finish without being told what it should do, next to the example's real problems.
const STUB = [
  "class Exporter:",
  "    def export(self, order):",
  "        # TODO: decide the format",
  "        raise NotImplementedError",
  "",
].join("\n");

function project(): string {
  const root = exampleProject();
  writeFileSync(path.join(root, "orders", "exporter.py"), STUB);
  // A fixable rule of severity note: left out by the default minimum severity, not by fixability.
  addScanRule(root, {
    id: "export-note",
    severity: "note",
    message: "an exporter",
    pattern: "class Exporter",
    extensions: ["py"],
  });
  return root;
}

const reportRules = (result: { reports: Array<{ rule: string }> }) => result.reports.map((r) => r.rule).sort();

describe("scan-and-fix with no rules named (built bin)", () => {
  it("plans only auto-fixable rules at severity warning or above, says what it left out, and costs each rule in the dry run", async () => {
    const root = project();
    const emu = await useEmulator();
    const run = await gembatch(root, ["scan-and-fix", "--dry-run", "--json"], { emu });
    expect(run.exitCode, run.stderr).toBe(0);
    const result = parse<ScanAndFixResult>(run.stdout);
    const planned = reportRules(result);
    expect(planned).toContain("logger-bind");
    expect(planned).not.toContain("not-implemented");
    expect(planned).not.toContain("todo-comment");
    expect(planned).not.toContain("debug-print");
    expect(planned).not.toContain("export-note");
    expect(result.rules_left_out).toEqual(expect.arrayContaining(["todo-comment", "debug-print", "not-implemented"]));
    expect(result.dry_run_by_rule!.map((r) => r.rule).sort()).toEqual(planned);
    for (const rule of result.dry_run_by_rule!)
      expect(rule).toMatchObject({
        files: expect.any(Number) as unknown,
        requests: rule.files,
        estimated_cost: expect.any(Number) as unknown,
        estimated_cost_expected: expect.any(Number) as unknown,
      });
    const sum = result.dry_run_by_rule!.reduce((total, r) => total + (r.estimated_cost ?? 0), 0);
    expect(sum).toBeCloseTo(result.estimated_cost!, 6);
    expect(result.requests).toHaveLength(result.dry_run_by_rule!.reduce((n, r) => n + r.requests, 0));

    const text = await gembatch(root, ["scan-and-fix", "--dry-run"], { emu });
    expect(text.stdout).toMatch(
      /^ {2}logger-bind: 3 file\(s\), 3 request\(s\), \$\d+\.\d{4} expected, \$\d+\.\d{4} worst case$/m,
    );
    expect(text.stdout).toContain("Left to people (not sent; name them with --rules, or pass --all-rules): ");
    expect(emu.record.counts).toEqual({});
  });

  it("--all-rules, or naming a rule, sends what the defaults leave out", async () => {
    const root = project();
    const emu = await useEmulator();
    const all = parse<ScanAndFixResult>(
      (await gembatch(root, ["scan-and-fix", "--dry-run", "--all-rules", "--json"], { emu })).stdout,
    );
    expect(reportRules(all)).toEqual(
      expect.arrayContaining(["not-implemented", "todo-comment", "debug-print", "logger-bind", "export-note"]),
    );
    expect(all.rules_left_out).toBeUndefined();
    const named = parse<ScanAndFixResult>(
      (await gembatch(root, ["scan-and-fix", "--dry-run", "--rules", "not-implemented", "--json"], { emu })).stdout,
    );
    expect(reportRules(named)).toEqual(["not-implemented"]);
  });
});
