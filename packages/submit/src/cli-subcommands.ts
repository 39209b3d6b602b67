import path from "node:path";
import { z } from "zod";
import { appendLedger, defineCommand, ExitCode } from "@gembatch/core";
import { callApi, failureFields } from "./call.js";
import { requireState, statusCommand, workDirOption } from "./cli-status.js";
import { collectResults, type CollectSummary } from "./collect.js";
import { nowIso } from "./context.js";
import { buildDeps } from "./deps.js";
import { downloadResults, type DownloadOutcome } from "./download.js";
import { argPath, shownPath } from "./paths.js";
import { collectStatus } from "./status.js";
import { isTerminal, shortState } from "./state.js";

export { statusCommand };

const RESULTS_DIR = "gemini_batch_results";

export const downloadCommand = defineCommand({
  name: "download",
  summary: "Stream each succeeded job's results to <output_dir>/batch_NNNN.jsonl (skips what is complete)",
  positionals: [{ key: "batches", description: "batch numbers (default: all)", variadic: true, type: "number" }],
  options: [
    workDirOption,
    {
      key: "output_dir",
      type: "string",
      valueName: "dir",
      description: "output folder, relative to the current directory (default: <work-dir>/gemini_batch_results)",
      aliases: ["out"],
    },
  ],
  examples: [
    "gembatch submit download",
    "gembatch submit download --output-dir gemini_batch_results/",
    "gembatch submit download 81 82",
  ],
  schema: z
    .object({
      work_dir: z.string().min(1).optional(),
      output_dir: z.string().min(1).optional(),
      batches: z.array(z.number().int().positive()).optional(),
    })
    .strict(),
  async run(input, ctx) {
    const root = ctx.config.projectRoot;
    const given =
      input.output_dir === undefined
        ? undefined
        : argPath({ cwd: ctx.cwd, projectRoot: root }, input.output_dir, "output_dir");
    const { deps, workDir, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      await collectStatus(deps, state);
      const outDir = given ?? path.join(workDir, RESULTS_DIR);
      const outcomes = await downloadResults(deps, state, outDir, input.batches);
      await deps.store.save(state);
      return {
        success: outcomes.every((o) => o.status !== "failed"),
        out_dir: shownPath(root, outDir),
        downloads: outcomes.map((o) => ({ ...o, file: shownPath(root, o.file) })),
      };
    } finally {
      await close();
    }
  },
  renderText(result: { success: boolean; out_dir: string; downloads: DownloadOutcome[] }) {
    const count = (s: DownloadOutcome["status"]) => result.downloads.filter((d) => d.status === s).length;
    const lines = [
      `Downloaded ${count("downloaded")}, already complete ${count("already_complete")}, not finished ${count("not_succeeded")}, failed ${count("failed")} → ${result.out_dir}`,
    ];
    for (const d of result.downloads.filter((x) => x.status === "failed"))
      lines.push(`  ✗ batch ${d.batch}: ${d.error}`);
    return lines.join("\n");
  },
});

export const collectCommand = defineCommand({
  name: "collect",
  summary: "Merge results by request key; list missing, failed and truncated keys; write a resubmission file",
  options: [
    workDirOption,
    {
      key: "results_dir",
      type: "string",
      valueName: "dir",
      description: "where download put the results (default: <work-dir>/gemini_batch_results)",
    },
    {
      key: "output_file",
      type: "string",
      valueName: "file",
      description: "merged JSONL, relative to the current directory (default: <results-dir>/collected_results.jsonl)",
      aliases: ["out"],
    },
    {
      key: "resubmit",
      type: "string",
      valueName: "file",
      description: "resubmission JSONL, relative to the current directory (default: <results-dir>/resubmit.jsonl)",
    },
  ],
  examples: [
    "gembatch submit collect",
    "gembatch submit collect --output-file merged.jsonl --resubmit retry/resubmit.jsonl",
    "gembatch submit collect --json",
  ],
  schema: z
    .object({
      work_dir: z.string().min(1).optional(),
      results_dir: z.string().min(1).optional(),
      output_file: z.string().min(1).optional(),
      resubmit: z.string().min(1).optional(),
    })
    .strict(),
  async run(input, ctx) {
    const root = ctx.config.projectRoot;
    const arg = (value: string | undefined, field: string) =>
      value === undefined ? undefined : argPath({ cwd: ctx.cwd, projectRoot: root }, value, field);
    const given = {
      results: arg(input.results_dir, "results_dir"),
      out: arg(input.output_file, "output_file"),
      resubmit: arg(input.resubmit, "resubmit"),
    };
    const { deps, workDir, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      const resultsDir = given.results ?? path.join(workDir, RESULTS_DIR);
      const summary = await collectResults({
        state,
        inputDir: path.resolve(workDir, state.input_dir),
        resultsDir,
        outFile: given.out ?? path.join(resultsDir, "collected_results.jsonl"),
        resubmitFile: given.resubmit ?? path.join(resultsDir, "resubmit.jsonl"),
        pricing: ctx.config.pricing,
      });
      summary.output_file = shownPath(root, summary.output_file);
      if (summary.resubmit_file) summary.resubmit_file = shownPath(root, summary.resubmit_file);
      for (const tally of summary.per_batch) {
        const job = state.submitted_jobs[String(tally.batch)];
        if (!job || job.cost_recorded || tally.rows === 0) continue;
        appendLedger(ctx.config.ledgerFile, {
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
    } finally {
      await close();
    }
  },
  renderText(r: CollectSummary & { success: boolean }) {
    const lines = [
      `${r.results}/${r.requests} requests have a result: ${r.succeeded} ok, ${r.failed_keys.length} failed, ${r.truncated_keys.length} truncated; ${r.missing_keys.length} missing${r.duplicate_keys.length ? `, ${r.duplicate_keys.length} duplicated` : ""}.`,
      `Cost at batch prices: $${r.cost.toFixed(6)}${r.unpriced_rows ? ` (+${r.unpriced_rows} rows on models without a price)` : ""}.`,
      `Merged: ${r.output_file}`,
    ];
    if (r.missing_result_files.length)
      lines.push(`No result file for batches ${r.missing_result_files.join(", ")}: run gembatch submit download.`);
    if (r.resubmit_file) lines.push(`Resubmit: ${r.resubmit_file}`);
    return lines.join("\n");
  },
});

export const cancelCommand = defineCommand({
  name: "cancel",
  summary: "Cancel running jobs (the given batch numbers, or every active one)",
  positionals: [
    { key: "batches", description: "batch numbers (default: every active job)", variadic: true, type: "number" },
  ],
  options: [workDirOption],
  examples: ["gembatch submit cancel", "gembatch submit cancel 81 82"],
  schema: z
    .object({ work_dir: z.string().min(1).optional(), batches: z.array(z.number().int().positive()).optional() })
    .strict(),
  async run(input, ctx) {
    const { deps, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      const chosen =
        input.batches ??
        Object.keys(state.submitted_jobs)
          .map(Number)
          .filter((n) => !isTerminal(state.submitted_jobs[String(n)]!.state));
      const cancelled: Array<{
        batch: number;
        job_name: string;
        state?: string;
        error?: string;
        http_status?: number;
        google_status?: string;
      }> = [];
      for (const n of chosen) {
        const job = state.submitted_jobs[String(n)];
        if (!job) {
          cancelled.push({ batch: n, job_name: "", error: "not submitted" });
          continue;
        }
        try {
          await callApi(deps, { context: `batch ${n}`, batch: n, step: "cancel" }, () =>
            deps.api.cancel(job.job_name, deps.signal),
          );
          const remote = (
            await callApi(deps, { context: `batch ${n}`, batch: n, step: "status" }, () =>
              deps.api.get(job.job_name, deps.signal),
            )
          ).value;
          job.state = remote.state;
          job.state_checked_at = nowIso(deps.clock);
          deps.events.event("batch_cancelled", { batch: n, data: { job_name: job.job_name, state: remote.state } });
          cancelled.push({ batch: n, job_name: job.job_name, state: shortState(remote.state) });
        } catch (error) {
          if (deps.signal.aborted) throw error;
          const failure = failureFields(error);
          cancelled.push({
            batch: n,
            job_name: job.job_name,
            error: failure.message,
            ...(failure.http_status !== undefined ? { http_status: failure.http_status } : {}),
            ...(failure.google_status ? { google_status: failure.google_status } : {}),
          });
        }
      }
      await deps.store.save(state);
      return { success: cancelled.every((c) => !c.error), cancelled };
    } finally {
      await close();
    }
  },
  exitCode: (r) => (r.success ? ExitCode.OK : ExitCode.ITEMS_FAILED),
  renderText(r: { cancelled: Array<{ batch: number; job_name: string; state?: string; error?: string }> }) {
    if (r.cancelled.length === 0) return "No active jobs to cancel.";
    return r.cancelled
      .map((c) => (c.error ? `✗ batch ${c.batch}: ${c.error}` : `batch ${c.batch}: ${c.job_name} → ${c.state}`))
      .join("\n");
  },
});
