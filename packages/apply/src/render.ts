import path from "node:path";
import { escapeForTerminal } from "@gembatch/core";
import { clipPatch, patchStats } from "./patch.js";
import { readInside } from "./run-files.js";
import type { ApplyResult } from "./types.js";

const MARK: Record<string, string> = {
  fixed: "✓",
  failed: "✗",
  refused: "!",
  unchanged: "=",
  diff_only: "~",
  pending: "…",
};

/**
 * The human summary of an apply run: each file's outcome, its diff (shown whole when short), the reports.
 * Diffs, file names and errors come from replies and from the repository: every control character in
 * them (an escape sequence that would repaint the diff a reviewer reads) is shown, not obeyed.
 */
export function renderApply(result: ApplyResult, projectRoot: string): string {
  const out: string[] = [];
  const within = [projectRoot, path.resolve(projectRoot, result.run_dir)];
  for (const file of result.files) {
    const attempts = file.attempts > 1 ? ` after ${file.attempts} attempts` : "";
    out.push(
      `${MARK[file.status] ?? "?"} ${file.path}: ${file.status}${attempts}${file.error ? ` — ${file.error}` : ""}`,
    );
    if (!file.patch_file || (file.status !== "fixed" && file.status !== "diff_only")) continue;
    const patch = readInside(file.patch_file, { projectRoot, within });
    if (patch === null) {
      out.push(`  ${file.patch_file}`);
      continue;
    }
    const stats = patchStats(patch);
    out.push(`  ${file.patch_file} (+${stats.added} -${stats.removed})`);
    if (result.diff_only || result.files.length <= 3)
      out.push(clipPatch(patch, 120, file.patch_file).replace(/^/gm, "  "));
  }
  const tail = [
    `${result.files_fixed} fixed, ${result.files_failed} not fixed, of ${result.files.length} file(s); run dir ${result.run_dir}/`,
  ];
  if (result.failure_report) tail.push(`Failure report: ${result.failure_report}`);
  if (result.escalation_file) tail.push(`Analysis by the escalation model: ${result.escalation_file}`);
  if (result.commits?.length)
    tail.push(`${result.commits.length} commit(s)${result.branch ? ` on ${result.branch}` : ""}`);
  if (result.total_cost > 0) tail.push(`Retries and escalation cost $${result.total_cost.toFixed(4)}`);
  if (result.stopped)
    tail.push(
      `Stopped: ${result.stopped}${result.stopped === "interrupted" ? " (originals restored; run again with --resume)" : ""}`,
    );
  return escapeForTerminal([...out, "", ...tail].join("\n"));
}
