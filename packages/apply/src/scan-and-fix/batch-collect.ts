import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defaultPricing, systemClock } from "@gembatch/core";
import { recordBatchReplies, type BatchReply } from "@gembatch/send";
import {
  collectResults,
  collectStatus,
  downloadResults,
  shortState,
  type SubmissionState,
  type SubmitDeps,
} from "@gembatch/submit";
import type { StopReason } from "../state.js";
import {
  DEFAULT_POLL_INTERVAL_MS,
  inputLines,
  openSubmit,
  submitInputs,
  writeInputFiles,
  BATCH_LIMITS,
  type BatchDeps,
} from "./batch-jobs.js";
import { INPUTS_DIR, RESULTS_DIR, type BatchSection } from "./batch-state.js";
import type { FixState } from "./fix-state.js";
import { retryCollector, submitRetries } from "./batch-retry.js";
import { runRuleStep, type RuleStepContext } from "./rule-step.js";

export interface BatchJobView {
  batch: number;
  job_name: string | null;
  state: string;
  requests: number;
  succeeded: number;
  failed: number;
}

/** Every input file's job as last seen (a batch whose create failed shows as FAILED_TO_CREATE with no name). */
export function jobsView(state: SubmissionState | undefined): BatchJobView[] {
  if (!state) return [];
  return Object.keys(state.batch_files)
    .map(Number)
    .sort((a, b) => a - b)
    .map((n) => {
      const job = state.submitted_jobs[String(n)];
      const stats = job?.batch_stats ?? {};
      const requests = stats.requestCount ?? state.batch_files[String(n)]!.requests;
      const shown = job
        ? shortState(job.state ?? "PENDING")
        : state.failed_batches[String(n)]
          ? "FAILED_TO_CREATE"
          : "NOT_CREATED";
      return {
        batch: n,
        job_name: job?.job_name ?? null,
        state: shown,
        requests,
        succeeded: stats.successfulRequestCount ?? 0,
        failed: stats.failedRequestCount ?? 0,
      };
    });
}

/** A resubmitted request carries `~<round>` after its key: submit wants keys unique across all input files. */
const resubmitKey = (key: string, round: number) => `${key}~${round}`;
const baseKey = (key: string) => key.replace(/~\d+$/, "");

/** Key → the batch and the key it was last submitted under (a resubmission's newest batch wins). */
function keyBatches(inputsDir: string): Map<string, { n: number; key: string }> {
  const out = new Map<string, { n: number; key: string }>();
  readdirSync(inputsDir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .forEach((name, i) => {
      for (const line of readFileSync(path.join(inputsDir, name), "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const key = (JSON.parse(line) as { key: string }).key;
        out.set(baseKey(key), { n: i + 1, key });
      }
    });
  return out;
}

/** Input files with no job: never tried (a crash before the create) or refused earlier (tried again). */
const unsent = (state: SubmissionState | undefined, files: number) =>
  !state ||
  Object.keys(state.batch_files).length < files ||
  Object.keys(state.batch_files).some((n) => !state.submitted_jobs[n]);

/** Wait (with `wait`) or report pending; `ended` when every job has. A Ctrl-C ends the wait, never a job. */
async function settled(
  ctx: RuleStepContext,
  submit: SubmitDeps,
  state: SubmissionState,
): Promise<"ended" | "pending" | "interrupted"> {
  const clock = ctx.deps.clock ?? systemClock;
  const interval = ctx.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (;;) {
    const status = await collectStatus(submit, state);
    status.warnings.forEach((w) => ctx.warn(w));
    if (status.all_done) return "ended";
    const done = status.jobs.filter((j) => /SUCCEEDED|FAILED|CANCELLED|EXPIRED/.test(j.state)).length;
    const line = `batch: ${done}/${status.jobs.length} job(s) ended, ${status.requests.succeeded}/${status.requests.total} request(s) answered`;
    if (!ctx.options.wait) {
      ctx.deps.info?.(`${line}; nothing applied yet`);
      return "pending";
    }
    ctx.deps.info?.(`${line}; checking again in ${Math.round(interval / 1000)}s`);
    try {
      await clock.sleep(interval, ctx.deps.signal);
    } catch (error) {
      if (ctx.deps.signal?.aborted) return "interrupted";
      throw error;
    }
  }
}

/**
 * `--resume` of a batch run: jobs still running → pending, nothing applied. When they have ended: the
 * results are downloaded and collected by key (submit's functions), each rule's replies written into
 * its send run as the sync path leaves them, and that rule applied and verified by the sync path's
 * own step (its retry and escalation go synchronously). Keys whose job ended without results are kept
 * as missing for `--resubmit-missing`.
 */
export async function resumeBatchRun(
  ctx: RuleStepContext,
  state: FixState,
  deps: BatchDeps,
): Promise<{ stop?: StopReason; jobs: BatchJobView[]; retried?: boolean }> {
  const batch: BatchSection = state.batch!;
  if (Object.keys(batch.keys).length === 0) return { jobs: [] };
  const workDir = path.join(ctx.fixDir, batch.work_dir);
  const inputsDir = path.join(workDir, INPUTS_DIR);
  const { submit, close } = await openSubmit(ctx, deps, workDir);
  try {
    if (ctx.options.resubmitMissing && batch.missing.length > 0) {
      const round = batch.resubmits + 1;
      const again = inputLines(inputsDir, new Set(batch.missing)).map((row) => ({
        ...row,
        key: resubmitKey(row.key, round),
      }));
      writeInputFiles(inputsDir, again, {
        maxBytes: ctx.options.batchMaxBytes ?? BATCH_LIMITS.maxBytes,
        maxRequests: ctx.options.batchMaxRequests ?? BATCH_LIMITS.maxRequests,
      });
      ctx.deps.info?.(`batch: ${batch.missing.length} request(s) with no result resubmitted`);
      batch.missing = [];
      batch.resubmits += 1;
      await ctx.save();
    }
    const inputCount = readdirSync(inputsDir).filter((f) => f.endsWith(".jsonl")).length;
    if (unsent(await submit.store.load(), inputCount)) await submitInputs(ctx, submit, batch, workDir);
    const subState = (await submit.store.load())!;
    if (ctx.deps.signal?.aborted) return { stop: "interrupted", jobs: jobsView(subState) };
    const waited = await settled(ctx, submit, subState);
    if (waited !== "ended") return { stop: waited, jobs: jobsView(subState) };
    const resultsDir = path.join(workDir, RESULTS_DIR);
    await downloadResults(submit, subState, resultsDir);
    const outFile = path.join(workDir, "collected.jsonl");
    await collectResults({
      state: subState,
      inputDir: inputsDir,
      resultsDir,
      outFile,
      resubmitFile: path.join(workDir, "resubmit.jsonl"),
      pricing: ctx.deps.pricing ?? defaultPricing,
    });
    const rows = new Map<
      string,
      {
        text: string | null;
        finish_reason: string | null;
        usage: BatchReply["usage"];
        model_version: string | null;
        error: { code?: number; message?: string } | null;
        batch: number;
      }
    >();
    for (const line of readFileSync(outFile, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const row = JSON.parse(line) as { key: string } & Parameters<typeof rows.set>[1];
      rows.set(row.key, row);
    }
    const batchOf = keyBatches(inputsDir);
    const collected = new Set(batch.collected);
    const missing: string[] = [];
    const byRule = new Map<string, Map<string, BatchReply>>();
    const retryReplies: Array<{ key: string; rule: string; file: string; dir: string; reply: BatchReply }> = [];
    for (const [key, where] of Object.entries(batch.keys)) {
      if (collected.has(key)) continue;
      const last = batchOf.get(key)!;
      const job = subState.submitted_jobs[String(last.n)];
      const row = rows.get(last.key);
      let reply: BatchReply;
      if (row)
        reply = {
          text: row.text,
          finish_reason: row.finish_reason,
          usage: row.usage,
          model_version: row.model_version,
          error: row.error ? `batch row failed: ${row.error.code ?? ""} ${row.error.message ?? ""}`.trim() : null,
          job: job!.job_name,
        };
      else if (job && /SUCCEEDED$/.test(job.state ?? ""))
        reply = {
          text: null,
          finish_reason: null,
          usage: null,
          model_version: null,
          error: `batch job ${job.job_name} returned no result for key ${key}`,
          job: job.job_name,
        };
      else {
        missing.push(key);
        continue;
      }
      if (where.retry_dir) {
        retryReplies.push({ key, rule: where.rule, file: where.file, dir: where.retry_dir, reply });
        continue;
      }
      const replies = byRule.get(where.rule) ?? new Map<string, BatchReply>();
      replies.set(where.file, reply);
      byRule.set(where.rule, replies);
    }
    const open = new Set(missing.map((key) => batch.keys[key]!.rule));
    const recordOptions = {
      projectRoot: ctx.options.projectRoot,
      ...(ctx.deps.clock ? { clock: ctx.deps.clock } : {}),
      ...(ctx.deps.pricing ? { pricing: ctx.deps.pricing } : {}),
      ...(ctx.deps.ledgerFile ? { ledgerFile: ctx.deps.ledgerFile } : {}),
      ledgerCommand: ctx.deps.ledgerCommand ?? "scan-and-fix",
    };
    const retries = retryCollector(ctx, batch);
    for (const entry of state.rules) {
      const replies = byRule.get(entry.rule);
      if (replies) {
        const runDir = path.join(ctx.fixDir, "runs", entry.issue);
        const written = await recordBatchReplies(runDir, replies, recordOptions);
        ctx.costs.add(
          `batch:${entry.run_dir}`,
          written.reduce((sum, r) => sum + (r.cost ?? 0), 0),
        );
        for (const [key, where] of Object.entries(batch.keys))
          if (where.rule === entry.rule && !where.retry_dir && replies.has(where.file)) batch.collected.push(key);
      }
      // A retry's reply goes into its own send run, where the retry step finds it as a sync reply.
      for (const retry of retryReplies.filter((r) => r.rule === entry.rule)) {
        const written = await recordBatchReplies(
          path.resolve(ctx.options.projectRoot, retry.dir),
          new Map([[retry.file, retry.reply]]),
          recordOptions,
        );
        ctx.costs.add(
          `batch:${retry.dir}`,
          written.reduce((sum, r) => sum + (r.cost ?? 0), 0),
        );
        batch.collected.push(retry.key);
      }
      // This pass's replies, and any an interrupted pass recorded but did not finish applying.
      const done = new Set(batch.collected);
      const ready = new Set(
        Object.entries(batch.keys)
          .filter(
            ([key, where]) =>
              where.rule === entry.rule &&
              done.has(key) &&
              entry.files.includes(where.file) &&
              entry.outcomes[where.file] === undefined,
          )
          .map(([, where]) => where.file),
      );
      if (ready.size === 0) continue;
      entry.phase = "sent";
      await ctx.save();
      const { stop } = await runRuleStep(retries.stepContext(entry), entry, { only: ready });
      if (stop) return { stop, jobs: jobsView(subState) };
      // Its other files' replies have not come back: the rule stays open for them.
      if (open.has(entry.rule)) entry.phase = "sent";
      await ctx.save();
    }
    batch.missing = missing;
    await ctx.save();
    const retried = await submitRetries(ctx, submit, batch, workDir, retries.deferred);
    if (retried.stop) return { stop: retried.stop, jobs: jobsView(subState) };
    if (retried.submitted > 0) return { stop: "pending", jobs: jobsView(await submit.store.load()), retried: true };
    return { jobs: jobsView(subState) };
  } finally {
    await close();
  }
}
