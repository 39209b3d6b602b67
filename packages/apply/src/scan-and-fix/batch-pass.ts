import path from "node:path";
import { openStateStore, STATE_FILE } from "@gembatch/submit";
import { existsSync } from "node:fs";
import { shownPath } from "../paths.js";
import type { StopReason } from "../state.js";
import { jobsView, resumeBatchRun, type BatchJobView } from "./batch-collect.js";
import type { BatchDeps } from "./batch-jobs.js";
import { submitBatchRun } from "./batch-submit.js";
import type { FixState } from "./fix-state.js";
import type { RuleStepContext } from "./rule-step.js";
import type { ScanAndFixResult } from "./types.js";

async function submittedJobs(workDir: string): Promise<BatchJobView[]> {
  if (!existsSync(path.join(workDir, STATE_FILE))) return [];
  return jobsView((await openStateStore(workDir, "gembatch scan-and-fix").load()) ?? undefined);
}

/**
 * One pass of a batch run: the first submits and returns pending at once (or, with `wait`, goes on
 * to wait and apply); every later one (`--resume`) checks the jobs and applies what came back.
 */
export async function runBatchPass(
  ctx: RuleStepContext,
  state: FixState,
  deps: BatchDeps,
): Promise<{ stop?: StopReason; batch?: NonNullable<ScanAndFixResult["batch"]> }> {
  let outcome: { stop?: StopReason; jobs: BatchJobView[]; retried?: boolean };
  if (!state.batch) {
    const submitted = await submitBatchRun(ctx, state, deps);
    if (submitted.stop) return { stop: submitted.stop };
    const jobs = await submittedJobs(path.join(ctx.fixDir, state.batch!.work_dir));
    // Not one job could be created: nothing is pending, and the API is what stopped the run.
    if (jobs.length > 0 && jobs.every((job) => job.job_name === null)) outcome = { stop: "api_error", jobs };
    else outcome = ctx.options.wait ? await resumeBatchRun(ctx, state, deps) : { stop: "pending", jobs };
    if (Object.keys(state.batch!.keys).length === 0) outcome = { jobs: [] };
  } else outcome = await resumeBatchRun(ctx, state, deps);
  // `--wait` with `--retry-via batch`: the retry job is waited for and applied in the same call.
  while (ctx.options.wait && "retried" in outcome && outcome.retried) outcome = await resumeBatchRun(ctx, state, deps);
  const batch = state.batch!;
  const shown = shownPath(ctx.options.projectRoot, ctx.fixDir);
  return {
    ...(outcome.stop ? { stop: outcome.stop } : {}),
    batch: {
      work_dir: shownPath(ctx.options.projectRoot, path.join(ctx.fixDir, batch.work_dir)),
      jobs: outcome.jobs,
      requests: Object.keys(batch.keys).length,
      collected: batch.collected.length,
      missing: batch.missing.map((key) => batch.keys[key]!.file),
      deferred: batch.deferred,
      resume_command: `gembatch scan-and-fix --resume --output-dir ${shown}${batch.missing.length > 0 && outcome.stop !== "pending" ? " --resubmit-missing" : ""}`,
    },
  };
}
