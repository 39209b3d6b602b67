import { readFileSync } from "node:fs";
import path from "node:path";
import { clipPatch, patchStats } from "./patch.js";
import type { ApplyResult } from "./types.js";

const MARK: Record<string, string> = { fixed: "✓", failed: "✗", refused: "!", unchanged: "=", diff_only: "~", pending: "…" };

/** The human summary of an apply run: each file's outcome, its diff (shown whole when short), the reports. */
export function renderApply(result: ApplyResult, projectRoot: string): string {
  const out: string[] = [];
  for (const file of result.files) {
    const attempts = file.attempts > 1 ? ` after ${file.attempts} attempts` : "";
    out.push(`${MARK[file.status] ?? "?"} ${file.path}: ${file.status}${attempts}${file.error ? ` — ${file.error}` : ""}`);
    if (!file.patch_file || (file.status !== "fixed" && file.status !== "diff_only")) continue;
    try {
      const patch = readFileSync(path.resolve(projectRoot, file.patch_file), "utf8");
      const stats = patchStats(patch);
      out.push(`  ${file.patch_file} (+${stats.added} -${stats.removed})`);
      if (result.diff_only || result.files.length <= 3) out.push(clipPatch(patch, 120, file.patch_file).replace(/^/gm, "  "));
    } catch {
      out.push(`  ${file.patch_file}`);
    }
  }
  const tail = [`${result.files_fixed} fixed, ${result.files_failed} not fixed, of ${result.files.length} file(s); run dir ${result.run_dir}/`];
  if (result.failure_report) tail.push(`Failure report: ${result.failure_report}`);
  if (result.escalation_file) tail.push(`Analysis by the escalation model: ${result.escalation_file}`);
  if (result.commits?.length) tail.push(`${result.commits.length} commit(s)${result.branch ? ` on ${result.branch}` : ""}`);
  if (result.total_cost > 0) tail.push(`Retries and escalation cost $${result.total_cost.toFixed(4)}`);
  if (result.stopped) tail.push(`Stopped: ${result.stopped}${result.stopped === "interrupted" ? " (originals restored; run again with --resume)" : ""}`);
  return [...out, "", ...tail].join("\n");
}
