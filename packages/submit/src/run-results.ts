import path from "node:path";
import { appendLedger, type Pricing } from "@gembatch/core";
import { collectResults, type CollectSummary } from "./collect.js";
import { nowIso, requireState, type SubmitDeps } from "./context.js";
import { downloadResults, type DownloadOutcome } from "./download.js";
import { shownPath } from "./paths.js";
import { collectStatus } from "./status.js";

/** Where download puts the results, and collect looks for them, by default (under the work dir). */
export const RESULTS_DIR = "gemini_batch_results";

export interface RunDownloadOptions {
  workDir: string;
  projectRoot: string;
  /** Absolute (default: `<workDir>/gemini_batch_results`). */
  outputDir?: string;
  /** Default: every submitted batch. */
  batches?: number[];
}

export interface DownloadResult {
  success: boolean;
  out_dir: string;
  downloads: DownloadOutcome[];
}

/** `gembatch submit download`: each succeeded job's results to a file, skipping what is already complete. */
export async function runDownload(options: RunDownloadOptions, deps: SubmitDeps): Promise<DownloadResult> {
  const root = options.projectRoot;
  const state = await requireState(deps);
  await collectStatus(deps, state);
  const outDir = options.outputDir ?? path.join(options.workDir, RESULTS_DIR);
  const outcomes = await downloadResults(deps, state, outDir, options.batches);
  await deps.store.save(state);
  return {
    success: outcomes.every((o) => o.status !== "failed"),
    out_dir: shownPath(root, outDir),
    downloads: outcomes.map((o) => ({ ...o, file: shownPath(root, o.file) })),
  };
}

export interface RunCollectOptions {
  workDir: string;
  projectRoot: string;
  /** Absolute paths; defaults under the work dir's results dir. */
  resultsDir?: string;
  outputFile?: string;
  resubmitFile?: string;
  pricing: Pricing;
  /** Each batch's cost is recorded here once. */
  ledgerFile: string;
}

export type CollectResult = Omit<CollectSummary, "per_batch"> & { success: boolean };

/** `gembatch submit collect`: merge by key, list what is missing, failed or truncated, and record the cost once. */
export async function runCollect(options: RunCollectOptions, deps: SubmitDeps): Promise<CollectResult> {
  const root = options.projectRoot;
  const state = await requireState(deps);
  const resultsDir = options.resultsDir ?? path.join(options.workDir, RESULTS_DIR);
  const summary = await collectResults({
    state,
    inputDir: path.resolve(options.workDir, state.input_dir),
    resultsDir,
    outFile: options.outputFile ?? path.join(resultsDir, "collected_results.jsonl"),
    resubmitFile: options.resubmitFile ?? path.join(resultsDir, "resubmit.jsonl"),
    pricing: options.pricing,
  });
  summary.output_file = shownPath(root, summary.output_file);
  if (summary.resubmit_file) summary.resubmit_file = shownPath(root, summary.resubmit_file);
  for (const tally of summary.per_batch) {
    const job = state.submitted_jobs[String(tally.batch)];
    if (!job || job.cost_recorded || tally.rows === 0) continue;
    appendLedger(options.ledgerFile, {
      time: nowIso(deps.clock),
      command: "submit",
      model: state.model,
      model_version: tally.model_version,
      operation: "batchGenerateContent",
      batch: true,
      prompt_tokens: tally.prompt_tokens,
      cached_tokens: tally.cached_tokens,
      output_tokens: tally.output_tokens,
      thinking_tokens: tally.thinking_tokens,
      total_tokens: tally.prompt_tokens + tally.output_tokens,
      cost: tally.cost,
      run: job.job_name,
    });
    job.cost_recorded = true;
  }
  await deps.store.save(state);
  deps.events.event("collect_done", {
    data: {
      results: summary.results,
      missing: summary.missing_keys.length,
      failed: summary.failed_keys.length,
      truncated: summary.truncated_keys.length,
    },
  });
  const clean =
    summary.missing_keys.length +
      summary.failed_keys.length +
      summary.truncated_keys.length +
      summary.duplicate_keys.length ===
    0;
  const { per_batch: _perBatch, ...rest } = summary;
  return { success: clean, ...rest };
}
