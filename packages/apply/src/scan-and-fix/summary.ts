import { readFile } from "node:fs/promises";
import path from "node:path";
import { appendTextFile, writeFileAtomically } from "@gembatch/core";
import type { ScanAndFixResult } from "./types.js";

const ICON: Record<string, string> = {
  fixed: "✅ fixed",
  failed: "❌ failed",
  refused: "⚠️ refused (changed during the run)",
  skipped: "⏭️ set aside",
  pending: "⏸ not reached",
  planned: "📝 planned (dry run)",
  unchanged: "✅ nothing to change",
};

function usd(value: number | null | undefined): string {
  return value === null || value === undefined ? "unknown" : `$${value.toFixed(value !== 0 && value < 0.01 ? 6 : 4)}`;
}

const STOPS: Record<string, string> = {
  budget: "Stopped at the budget cap (`max_cost`): raise it and run again with `--resume`.",
  api_error: "Stopped by an API error that retries could not overcome (key, quota, network).",
  interrupted: "Interrupted: every original is in place; run again with `--resume`.",
  pending: "Waiting on Batch API jobs: nothing is applied yet.",
};

/** Text from outside (a reason naming a file) inside one table cell: no pipe, no line break, no markup. */
function tableCell(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/[|`<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Test names and errors inside a list item: one line, no markup of their own. */
function inline(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/[`<>|*_[\]]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Where a batch run stands, and the command that picks it up. */
function batchSection(batch: NonNullable<ScanAndFixResult["batch"]>, pending: boolean): string[] {
  const out = [
    "### Batch API jobs",
    "",
    `${batch.collected} of ${batch.requests} request(s) collected; run state in \`${batch.work_dir}\`.`,
    "",
    "| Batch | Job | State | Requests |",
    "|---|---|---|---|",
  ];
  for (const job of batch.jobs)
    out.push(`| ${job.batch} | \`${job.job_name ?? "—"}\` | ${job.state} | ${job.requests} |`);
  if (pending) {
    out.push(
      "",
      "Google's target turnaround is 24 h (often much sooner); a job not done after 48 h expires. Come back with:",
      "",
      "```",
      batch.resume_command,
      "```",
      "",
      "(add `--wait` to poll until the jobs end; the run directory is all a later job needs, on any machine with the same checkout.)",
    );
  }
  if (batch.missing.length > 0) {
    out.push(
      "",
      `**${batch.missing.length} file(s) have no result** (their job expired, was cancelled or failed); send them again with:`,
      "",
      "```",
      batch.resume_command,
      "```",
      "",
      ...batch.missing.map((f) => `- \`${tableCell(f)}\``),
    );
  }
  const deferred = Object.entries(batch.deferred);
  if (deferred.length > 0)
    out.push(
      "",
      "Not batched (an earlier rule's request carries the file; run scan-and-fix again for these):",
      ...deferred.map(([f, rule]) => `- \`${tableCell(f)}\` for ${rule}`),
    );
  return out;
}

/** The markdown summary for people and for `$GITHUB_STEP_SUMMARY`. */
function renderSummaryMarkdown(result: ScanAndFixResult): string {
  const title = `## gembatch scan-and-fix${result.shard ? ` (shard ${result.shard})` : ""}${result.dry_run ? " — dry run" : ""}`;
  const rows: Array<[string, string]> = [
    ["Findings", `${result.findings} in ${result.files_found} file(s)`],
    ["Files attempted", String(result.files_attempted)],
  ];
  if (result.dry_run)
    rows.push(
      ["Estimated cost (expected)", usd(result.estimated_cost_expected ?? null)],
      ["Estimated cost (worst case)", usd(result.estimated_cost)],
    );
  if (result.dry_run && result.cost_by_route) {
    const route = result.cost_by_route;
    rows.push([
      "Expected cost by route",
      `sync ${usd(route.sync)} · batch (\`--via batch\`) ${usd(route.batch)} · sync with caching ${usd(route.sync_with_cache)}${route.cached_rules === 0 ? " (shared context too small to cache)" : ""}`,
    ]);
  } else
    rows.push(
      ["Fixed", String(result.files_fixed)],
      ["Not fixed", String(result.files_failed)],
      ["Cost", usd(result.total_cost)],
    );
  const out = [title, "", "| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  if (result.stopped) out.push("", `**${STOPS[result.stopped]}**`);
  if (result.batch) out.push("", ...batchSection(result.batch, result.stopped === "pending"));
  if (result.files.length > 0) {
    out.push("", "| File | Rules | Result | Attempts |", "|---|---|---|---|");
    for (const file of result.files) {
      const status = `${ICON[file.status] ?? file.status}${file.reason ? `: ${tableCell(file.reason)}` : ""}`;
      out.push(`| \`${file.path}\` | ${file.rules.join(", ")} | ${status} | ${file.attempts} |`);
    }
    const failed = result.files.filter((file) => file.evidence);
    if (failed.length > 0)
      out.push(
        "",
        "### Why files were not fixed",
        "",
        ...failed.map((file) => `- \`${file.path}\`: ${inline(file.evidence!)}`),
      );
  } else if (result.findings === 0) out.push("", "Nothing to fix: no findings.");
  if (result.failure_reports.length > 0)
    out.push("", "Failure reports:", ...result.failure_reports.map((f) => `- \`${f}\``));
  if (result.warnings?.length)
    out.push("", "<details><summary>Warnings</summary>", "", ...result.warnings.map((w) => `- ${w}`), "", "</details>");
  return `${out.join("\n")}\n`;
}

const MAX_DIFF_LINES = 200;

/** The applied patches, folded, so a reviewer sees each change without leaving the summary. */
async function diffsSection(result: ScanAndFixResult, projectRoot: string): Promise<string> {
  const out: string[] = [];
  for (const file of result.files) {
    for (const patchFile of file.patch_files) {
      const patch = await readFile(path.resolve(projectRoot, patchFile), "utf8").catch(() => null);
      if (patch === null) continue;
      const lines = patch.replace(/\n$/, "").split("\n");
      const shown =
        lines.length > MAX_DIFF_LINES
          ? [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more line(s) in ${patchFile}`]
          : lines;
      const fence = "`".repeat(Math.max(3, ...[...patch.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      out.push(
        `<details><summary><code>${file.path}</code></summary>`,
        "",
        `${fence}diff`,
        ...shown,
        fence,
        "",
        "</details>",
      );
    }
  }
  return out.length > 0 ? `\n### Changes\n\n${out.join("\n")}\n` : "";
}

export async function writeSummaries(
  result: ScanAndFixResult,
  files: { json: string; markdown: string; stepSummary?: string; projectRoot: string },
): Promise<void> {
  const markdown = renderSummaryMarkdown(result) + (await diffsSection(result, files.projectRoot));
  await writeFileAtomically(files.markdown, markdown);
  await writeFileAtomically(files.json, `${JSON.stringify(result, null, 2)}\n`);
  if (files.stepSummary) await appendTextFile(files.stepSummary, `${markdown}\n`);
}
