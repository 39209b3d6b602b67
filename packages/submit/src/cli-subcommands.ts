import path from "node:path";
import { z } from "zod";
import { appendLedger, CliError, createProgress, defineCommand, ExitCode, withRetry } from "@gembatch/core";
import { collectResults, type CollectSummary } from "./collect.js";
import { nowIso } from "./context.js";
import { buildDeps } from "./deps.js";
import { downloadResults, type DownloadOutcome } from "./download.js";
import { collectStatus, type StatusSummary } from "./status.js";
import { isTerminal, shortState, type SubmissionState } from "./state.js";

const workDirOption = { key: "work_dir" as const, type: "string" as const, valueName: "path", description: "where batch_submission_state.json lives (default: cwd)" };

async function requireState(deps: Awaited<ReturnType<typeof buildDeps>>["deps"]): Promise<SubmissionState> {
  const state = await deps.store.load();
  if (!state) throw new CliError("FILE_NOT_FOUND", "batch_submission_state.json: no submission state here", { hint: "run gembatch submit first, or pass --work-dir" });
  return state;
}

export const statusCommand = defineCommand({
  name: "status",
  summary: "Every job's state, counts by state, and request progress from batchStats",
  options: [
    workDirOption,
    { key: "watch", type: "boolean", description: "poll until every job has finished" },
    { key: "poll_interval", type: "number", valueName: "seconds", description: "poll interval with --watch (default: 30)", aliases: ["interval"] },
  ],
  examples: ["gembatch submit status", "gembatch submit status --watch --poll-interval 60", "gembatch submit status --json"],
  schema: z.object({ work_dir: z.string().optional(), watch: z.boolean().default(false), poll_interval: z.number().positive().default(30) }).strict(),
  async run(input, ctx) {
    const { deps, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      let summary = await collectStatus(deps, state);
      const bar = await createProgress({ enabled: ctx.interactive && input.watch, total: summary.requests.total, label: "requests" });
      bar.update(summary.requests.succeeded + summary.requests.failed);
      while (input.watch && !summary.all_done) {
        await ctx.clock.sleep(input.poll_interval * 1000, ctx.signal);
        summary = await collectStatus(deps, state);
        bar.update(summary.requests.succeeded + summary.requests.failed);
      }
      bar.stop();
      return { success: true, ...summary };
    } finally {
      await close();
    }
  },
  renderText(result: StatusSummary & { success: boolean }) {
    if (result.jobs.length === 0) return "No jobs submitted yet.";
    const lines = result.jobs.map((j) => `batch ${String(j.batch).padStart(4)}  ${j.state.padEnd(10)} ${j.succeeded + j.failed}/${j.requests} done${j.failed ? ` (${j.failed} failed)` : ""}  ${j.job_name}`);
    const counts = Object.entries(result.by_state).map(([s, n]) => `${n} ${s}`).join(", ");
    const r = result.requests;
    lines.push("", `Jobs: ${counts}. Requests: ${r.succeeded} succeeded, ${r.failed} failed, ${r.pending} pending of ${r.total}.${result.all_done ? " All jobs finished." : ""}`);
    return lines.join("\n");
  },
});

export const downloadCommand = defineCommand({
  name: "download",
  summary: "Stream each succeeded job's results to <output_dir>/batch_NNNN.jsonl (skips what is complete)",
  positionals: [{ key: "batches", description: "batch numbers (default: all)", variadic: true, type: "number" }],
  options: [workDirOption, { key: "output_dir", type: "string", valueName: "dir", description: "output folder (default: gemini_batch_results)", aliases: ["out"] }],
  examples: ["gembatch submit download", "gembatch submit download --output-dir gemini_batch_results/", "gembatch submit download 81 82"],
  schema: z.object({ work_dir: z.string().optional(), output_dir: z.string().default("gemini_batch_results"), batches: z.array(z.number().int().positive()).optional() }).strict(),
  async run(input, ctx) {
    const { deps, workDir, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      await collectStatus(deps, state);
      const outDir = path.resolve(workDir, input.output_dir);
      const outcomes = await downloadResults(deps, state, outDir, input.batches);
      return { success: outcomes.every((o) => o.status !== "failed"), out_dir: outDir, downloads: outcomes };
    } finally {
      await close();
    }
  },
  renderText(result: { success: boolean; out_dir: string; downloads: DownloadOutcome[] }) {
    const count = (s: DownloadOutcome["status"]) => result.downloads.filter((d) => d.status === s).length;
    const lines = [`Downloaded ${count("downloaded")}, already complete ${count("already_complete")}, not finished ${count("not_succeeded")}, failed ${count("failed")} → ${result.out_dir}`];
    for (const d of result.downloads.filter((x) => x.status === "failed")) lines.push(`  ✗ batch ${d.batch}: ${d.error}`);
    return lines.join("\n");
  },
});

export const collectCommand = defineCommand({
  name: "collect",
  summary: "Merge results by request key; list missing, failed and truncated keys; write a resubmission file",
  options: [
    workDirOption,
    { key: "results_dir", type: "string", valueName: "dir", description: "where download put the results (default: gemini_batch_results)" },
    { key: "output_file", type: "string", valueName: "file", description: "merged JSONL (default: <results_dir>/collected_results.jsonl)", aliases: ["out"] },
    { key: "resubmit", type: "string", valueName: "file", description: "resubmission JSONL (default: <results_dir>/resubmit.jsonl)" },
  ],
  examples: ["gembatch submit collect", "gembatch submit collect --json"],
  schema: z.object({ work_dir: z.string().optional(), results_dir: z.string().default("gemini_batch_results"), output_file: z.string().optional(), resubmit: z.string().optional() }).strict(),
  async run(input, ctx) {
    const { deps, workDir, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      const resultsDir = path.resolve(workDir, input.results_dir);
      const summary = await collectResults({
        state,
        inputDir: path.resolve(workDir, state.input_dir),
        resultsDir,
        outFile: path.resolve(workDir, input.output_file ?? path.join(input.results_dir, "collected_results.jsonl")),
        resubmitFile: path.resolve(workDir, input.resubmit ?? path.join(input.results_dir, "resubmit.jsonl")),
        pricing: ctx.config.pricing,
      });
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
      deps.events.event("collect_done", { data: { results: summary.results, missing: summary.missing_keys.length, failed: summary.failed_keys.length, truncated: summary.truncated_keys.length } });
      const clean = summary.missing_keys.length + summary.failed_keys.length + summary.truncated_keys.length + summary.duplicate_keys.length === 0;
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
    if (r.missing_result_files.length) lines.push(`No result file for batches ${r.missing_result_files.join(", ")}: run gembatch submit download.`);
    if (r.resubmit_file) lines.push(`Resubmit: ${r.resubmit_file}`);
    return lines.join("\n");
  },
});

export const cancelCommand = defineCommand({
  name: "cancel",
  summary: "Cancel running jobs (the given batch numbers, or every active one)",
  positionals: [{ key: "batches", description: "batch numbers (default: every active job)", variadic: true, type: "number" }],
  options: [workDirOption],
  examples: ["gembatch submit cancel", "gembatch submit cancel 81 82"],
  schema: z.object({ work_dir: z.string().optional(), batches: z.array(z.number().int().positive()).optional() }).strict(),
  async run(input, ctx) {
    const { deps, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      const chosen = input.batches ?? Object.keys(state.submitted_jobs).map(Number).filter((n) => !isTerminal(state.submitted_jobs[String(n)]!.state));
      const cancelled: Array<{ batch: number; job_name: string; state?: string; error?: string }> = [];
      for (const n of chosen) {
        const job = state.submitted_jobs[String(n)];
        if (!job) {
          cancelled.push({ batch: n, job_name: "", error: "not submitted" });
          continue;
        }
        try {
          await withRetry(() => deps.api.cancel(job.job_name, deps.signal), { policy: deps.retryPolicy, clock: deps.clock, signal: deps.signal, context: `batch ${n}` });
          const remote = await deps.api.get(job.job_name, deps.signal);
          job.state = remote.state;
          job.state_checked_at = nowIso(deps.clock);
          deps.events.event("batch_cancelled", { batch: n, data: { job_name: job.job_name, state: remote.state } });
          cancelled.push({ batch: n, job_name: job.job_name, state: shortState(remote.state) });
        } catch (error) {
          cancelled.push({ batch: n, job_name: job.job_name, error: error instanceof Error ? error.message : String(error) });
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
    return r.cancelled.map((c) => (c.error ? `✗ batch ${c.batch}: ${c.error}` : `batch ${c.batch}: ${c.job_name} → ${c.state}`)).join("\n");
  },
});
