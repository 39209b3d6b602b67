import { escapeForTerminal } from "@gembatch/core";
import type { ScanAndFixResult } from "./types.js";

function money(value: number | null | undefined): string {
  return value === null || value === undefined ? "unknown" : `$${value.toFixed(4)}`;
}

/**
 * The short human summary; the full one is in SUMMARY.md. File names come from the repository: their control characters
 * are shown, not obeyed.
 */
export function renderScanAndFix(result: ScanAndFixResult): string {
  const head =
    result.findings === 0
      ? "No findings: nothing to fix."
      : `${result.findings} finding(s) in ${result.files_found} file(s)${result.shard ? `, shard ${result.shard}: ${result.files_attempted} file(s)` : ""}.`;
  const lines = [head];
  if (result.dry_run) {
    for (const rule of result.dry_run_by_rule ?? [])
      lines.push(
        `  ${rule.rule}: ${rule.files} file(s), ${rule.requests} request(s), ${money(rule.estimated_cost_expected)} expected, ${money(rule.estimated_cost)} worst case`,
      );
    lines.push(
      `Dry run: ${result.reports.length} report(s) and ${result.requests?.length ?? 0} request(s) written, nothing sent; estimated cost ${money(result.estimated_cost_expected)} expected, ${money(result.estimated_cost)} worst case (every reply uses max_tokens).`,
    );
    const route = result.cost_by_route;
    if (route)
      lines.push(
        `Expected cost by route: sync ${money(route.sync)}, batch ${money(route.batch)} (--via batch, half price, results within 24 h), sync with caching ${money(route.sync_with_cache)}${route.cached_rules === 0 ? " (the shared context is too small to cache)" : ""}.`,
      );
  } else if (result.files_attempted > 0) {
    for (const file of result.files)
      lines.push(
        `  ${file.status.padEnd(9)} ${file.path} (${file.rules.join(", ")}${file.attempts > 1 ? `, ${file.attempts} attempts` : ""})${file.reason ? `: ${file.reason}` : ""}`,
      );
    lines.push(`${result.files_fixed} fixed, ${result.files_failed} not fixed; cost $${result.total_cost.toFixed(4)}.`);
  }
  if (result.rules_left_out)
    lines.push(
      `Left to people (not sent; name them with --rules, or pass --all-rules): ${result.rules_left_out.join(", ")}`,
    );
  for (const report of result.failure_reports) lines.push(`Failure report: ${report}`);
  for (const analysis of result.escalation_files) lines.push(`Escalation analysis: ${analysis}`);
  if (result.stopped === "pending" && result.batch)
    lines.push(
      `Batch jobs pending (${result.batch.jobs.map((j) => j.job_name ?? "not created").join(", ")}); nothing applied yet. Come back with: ${result.batch.resume_command}`,
    );
  else if (result.stopped)
    lines.push(
      `Stopped: ${result.stopped}${result.stopped === "interrupted" || result.stopped === "budget" ? " (run again with --resume)" : ""}`,
    );
  if (result.batch && result.batch.missing.length > 0)
    lines.push(`${result.batch.missing.length} file(s) got no batch result: ${result.batch.resume_command}`);
  lines.push(`Summary: ${result.summary_markdown_file}`);
  return escapeForTerminal(lines.join("\n"));
}
