import { ExitCode, roundUsd, type CliError, type ExitCodeValue } from "@gembatch/core";
import type { CacheSummary, FileResult, NotSent, SendResult, StopReason, Via } from "./types.js";
import { addUsage, emptyUsage } from "./usage.js";

interface SummaryInput {
  via: Via;
  model: string;
  issueReportFile: string;
  outputDir: string;
  summaryFile: string;
  logFile: string;
  results: FileResult[];
  notSent: NotSent[];
  stop: { reason: StopReason; error?: CliError } | null;
  cache: CacheSummary | null;
  maxCost: number | null;
  spent: number;
  batchJob: SendResult["batch_job"];
  startedAt: number;
  finishedAt: number;
}

/** What caching (explicit or Google's implicit) saved on these replies, before any cache costs. */
export function grossSaving(results: FileResult[]): number | null {
  let saving = 0;
  for (const r of results) {
    if (r.resumed) continue;
    if (r.cost === null || r.cost_without_cache === null) return null;
    saving += r.cost_without_cache - r.cost;
  }
  return roundUsd(saving);
}

/** BATCH_SUMMARY.json and the command's JSON result: the seed's keys first, then the rest. */
export function buildSummary(input: SummaryInput): SendResult {
  const { results, cache } = input;
  const ordered = [...results].sort((a, b) => a.n - b.n);
  const succeeded = ordered.filter((r) => r.success).length;
  const cacheCosts = cache?.created ? [cache.creation_cost, cache.storage_cost] : [];
  const costs = [...ordered.map((r) => r.cost), ...cacheCosts];
  const total = roundUsd(costs.reduce<number>((sum, c) => sum + (c ?? 0), 0));
  return {
    success: input.stop === null && input.notSent.length === 0 && succeeded === ordered.length,
    files_processed: ordered.length,
    files_succeeded: succeeded,
    total_cost: total,
    average_cost_per_file: ordered.length === 0 ? 0 : roundUsd(total / ordered.length),
    results: ordered,
    dry_run: false,
    via: input.via,
    model: input.model,
    issue_report_file: input.issueReportFile,
    output_dir: input.outputDir,
    summary_file: input.summaryFile,
    log_file: input.logFile,
    files_failed: ordered.length - succeeded,
    files_truncated: ordered.filter((r) => r.truncated).length,
    files_resumed: ordered.filter((r) => r.resumed).length,
    cost_complete: costs.every((c) => c !== null),
    usage: ordered.reduce((sum, r) => addUsage(sum, r.usage), emptyUsage()),
    not_sent: input.notSent,
    stopped: input.stop?.reason ?? null,
    error: input.stop?.error
      ? {
          code: input.stop.error.code,
          message: input.stop.error.message,
          ...(input.stop.error.hint ? { hint: input.stop.error.hint } : {}),
        }
      : null,
    cache,
    budget: input.maxCost === null ? null : { max_cost: input.maxCost, spent: input.spent },
    batch_job: input.batchJob,
    started_at: new Date(input.startedAt).toISOString(),
    finished_at: new Date(input.finishedAt).toISOString(),
    duration_ms: input.finishedAt - input.startedAt,
  };
}

/** 130 interrupted, 4 budget, 3 API trouble, 1 some file not answered, 0 all answered (or a dry run). */
export function sendExitCode(result: Pick<SendResult, "success" | "dry_run" | "stopped">): ExitCodeValue {
  if (result.dry_run) return ExitCode.OK;
  if (result.stopped === "interrupted") return ExitCode.INTERRUPTED;
  if (result.stopped === "budget") return ExitCode.BUDGET_EXCEEDED;
  if (result.stopped === "api_error") return ExitCode.API_ERROR;
  return result.success ? ExitCode.OK : ExitCode.ITEMS_FAILED;
}
