import path from "node:path";
import { shownPath } from "../paths.js";
import type { DryRunOutcome } from "./dry-run.js";
import type { FixState } from "./fix-state.js";
import type { FixFileStatus, ScanAndFixResult } from "./types.js";

/** A file's outcome over every rule that flagged it: the worst one wins. */
function fileStatus(outcomes: Array<string | undefined>, dryRun: boolean): FixFileStatus {
  if (dryRun) return "planned";
  if (outcomes.some((o) => o === undefined)) return outcomes.some((o) => o === "failed") ? "failed" : "pending";
  if (outcomes.includes("failed")) return "failed";
  if (outcomes.includes("refused")) return "refused";
  return outcomes.every((o) => o === "unchanged") ? "unchanged" : "fixed";
}

export function buildFixResult(input: {
  state: FixState;
  fixDir: string;
  projectRoot: string;
  totalCost: number;
  dryRun: boolean;
  dry?: DryRunOutcome | undefined;
  rulesLeftOut?: string[] | undefined;
  stateFile: string | null;
  warnings: string[];
}): ScanAndFixResult {
  const { state } = input;
  const show = (absolute: string) => shownPath(input.projectRoot, absolute);
  const files = state.files.map((file) => {
    const entries = state.rules.filter((r) => r.files.includes(file) || r.outcomes[file] !== undefined);
    const reason = entries.map((r) => r.set_aside[file]).find((r) => r !== undefined);
    const evidence = entries
      .map((r) => r.evidence[file])
      .filter((e): e is string => e !== undefined)
      .join("; ");
    return {
      path: file,
      rules: entries.map((r) => r.rule),
      // A file set aside was never sent, whatever else happened to it: that is what to act on.
      status:
        reason === undefined
          ? fileStatus(
              entries.map((r) => r.outcomes[file]),
              input.dryRun,
            )
          : ("skipped" as const),
      attempts: entries.reduce((sum, r) => sum + (r.attempts[file] ?? 0), 0),
      patch_files: entries.map((r) => r.patches[file]).filter((p): p is string => p !== undefined),
      ...(reason === undefined ? {} : { reason }),
      ...(evidence ? { evidence } : {}),
    };
  });
  const fixed = files.filter((f) => f.status === "fixed" || f.status === "unchanged").length;
  // A file set aside is not fixed: it counts against success like a failure, with its own status.
  const failed = files.filter((f) => f.status === "failed" || f.status === "refused" || f.status === "skipped").length;
  const stopped = state.stopped ?? undefined;
  return {
    success: input.dryRun ? true : !stopped && failed === 0 && files.every((f) => f.status !== "pending"),
    dry_run: input.dryRun,
    shard: state.shard,
    output_dir: show(input.fixDir),
    findings: state.findings,
    files_found: state.files_found,
    files_attempted: state.files.length,
    files_fixed: input.dryRun ? 0 : fixed,
    files_failed: input.dryRun ? 0 : failed,
    files,
    reports: state.rules.map((r) => ({
      rule: r.rule,
      issue: r.issue,
      report_file: r.report_file,
      files_to_fix: r.files.length,
      ...(r.error ? { error: r.error } : {}),
    })),
    runs: state.rules.map((r) => ({
      rule: r.rule,
      run_dir: r.run_dir,
      phase: r.phase,
      failure_report: r.failure_report,
      escalation_file: r.escalation_file,
    })),
    failure_reports: state.rules.map((r) => r.failure_report).filter((f): f is string => f !== null),
    escalation_files: state.rules.map((r) => r.escalation_file).filter((f): f is string => f !== null),
    total_cost: input.totalCost,
    ...(input.dry
      ? {
          estimated_cost: input.dry.estimatedCost,
          estimated_cost_expected: input.dry.expectedCost,
          requests: input.dry.requests,
          dry_run_by_rule: input.dry.byRule,
          cost_by_route: input.dry.byRoute,
        }
      : {}),
    ...(input.rulesLeftOut && input.rulesLeftOut.length > 0 ? { rules_left_out: input.rulesLeftOut } : {}),
    summary_file: show(path.join(input.fixDir, "SUMMARY.json")),
    summary_markdown_file: show(path.join(input.fixDir, "SUMMARY.md")),
    state_file: input.stateFile ? show(input.stateFile) : null,
    ...(stopped ? { stopped } : {}),
    ...(input.warnings.length > 0 ? { warnings: [...new Set(input.warnings)] } : {}),
  };
}
