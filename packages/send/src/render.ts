import { escapeForTerminal } from "@gembatch/core";
import type { FileResult, SendResult } from "./types.js";
import { usd } from "./usage.js";

function outcome(result: FileResult): string {
  if (result.success)
    return `✓ Success${result.resumed ? " (earlier run)" : ""}${result.continuations ? ` after ${result.continuations} continuation(s)` : ""}`;
  if (result.truncated) return `✗ Truncated (${result.finish_reason})`;
  return `✗ Failed: ${result.error ?? result.finish_reason ?? "unknown error"}`;
}

const STOPPED: Record<string, string> = {
  budget: "Stopped by max_cost before the request that would cross it.",
  interrupted: "Interrupted; run again with --resume and the same --output-dir to send the rest.",
  api_error: "Stopped: the API refused in a way retries could not overcome.",
};

/**
 * The seed's human summary: one line per file with its cost, then the totals and the run directory.
 * File names and errors come from the repository and the API: their control characters are shown, not obeyed.
 */
export function renderSend(result: SendResult): string {
  return escapeForTerminal(renderLines(result));
}

function renderLines(result: SendResult): string {
  if (result.dry_run) {
    const planned = result.planned ?? [];
    const lines = [`Dry run: ${planned.length} request(s) written, nothing sent.`];
    planned.forEach((p, i) =>
      lines.push(
        p.too_large
          ? `[${i + 1}/${planned.length}] ${p.file_to_fix} too large: ~${p.too_large.estimated_output_tokens} output tokens needed, limit ${p.too_large.output_limit}; a real run skips it`
          : `[${i + 1}/${planned.length}] ${p.file_to_fix} ~${p.estimated_prompt_tokens} prompt tokens, expected ${usd(p.estimated_cost_expected)}, at most ${usd(p.estimated_cost)} -> ${p.request_file}`,
      ),
    );
    lines.push(
      `Estimated cost: expected ${usd(result.estimated_cost_expected ?? null)} (replies the size of the files, before thinking), worst case ${usd(result.estimated_cost ?? null)} (every reply uses max_tokens ${result.max_tokens})${result.cache_planned ? ", before the saving of the explicit cache a real run would create" : ""}. Requests in ${result.output_dir}/`,
    );
    return lines.join("\n");
  }
  const total = result.results.length + result.not_sent.length;
  const lines = [`Processing ${total} files through Gemini...`];
  result.results.forEach((r, i) =>
    lines.push(`[${i + 1}/${total}] ${r.file_to_fix} ${outcome(r)} - Cost: ${usd(r.cost)}`),
  );
  result.not_sent.forEach((r, i) =>
    lines.push(`[${result.results.length + i + 1}/${total}] ${r.file_to_fix} - not sent (${r.reason})`),
  );
  const cached = result.usage.cached_tokens > 0 ? `, ${result.usage.cached_tokens} cached tokens` : "";
  const saving = result.cache?.saving != null ? `, cache saved ${usd(result.cache.saving)}` : "";
  lines.push(
    `${result.files_succeeded}/${result.files_processed} succeeded. Total cost: ${usd(result.total_cost)}${result.cost_complete ? "" : " (incomplete: unpriced model)"} ` +
      `(avg ${usd(result.average_cost_per_file)}/file${cached}${saving}). Run dir: ${result.output_dir}/`,
  );
  if (result.stopped) lines.push(STOPPED[result.stopped] ?? `Stopped: ${result.stopped}.`);
  if (result.error) lines.push(`error: ${result.error.message}`);
  return lines.join("\n");
}
