import path from "node:path";
import { defaultPricing, estimateRequestCost, roundUsd } from "@gembatch/core";
import type { SubmitDeps } from "@gembatch/submit";
import { shownPath } from "../paths.js";
import type { DeferredRetry } from "../types.js";
import { BATCH_LIMITS, submitInputs, writeInputFiles, type BatchRow } from "./batch-jobs.js";
import { INPUTS_DIR, type BatchSection } from "./batch-state.js";
import type { RuleEntry } from "./fix-state.js";
import type { RuleStepContext } from "./rule-step.js";

/**
 * A retry's batch key: the first attempt's key and the attempt it is (never the same as a resubmission's `~<round>`).
 */
const retryKey = (issue: string, n: number, attempt: number) => `${issue}:${n}@${attempt}`;

/** The retries a resume's apply steps prepared instead of sending (`--retry-via batch`), by rule. */
export function retryCollector(
  ctx: RuleStepContext,
  batch: BatchSection,
): { stepContext(entry: RuleEntry): RuleStepContext; deferred: Array<{ entry: RuleEntry; retry: DeferredRetry }> } {
  const deferred: Array<{ entry: RuleEntry; retry: DeferredRetry }> = [];
  const retryVia = ctx.options.retryVia ?? batch.retry_via;
  return {
    deferred,
    stepContext: (entry) =>
      retryVia === "batch"
        ? { ...ctx, deps: { ...ctx.deps, deferRetry: (retry: DeferredRetry) => deferred.push({ entry, retry }) } }
        : ctx,
  };
}

/**
 * Submit the deferred retries as one more batch input, through the same machinery as the first
 * pass (never twice: a key already in the run is waiting for its job, or listed as missing).
 * Returns `submitted: 0` when there was nothing new; `stop: "budget"` when max_cost leaves too little.
 */
export async function submitRetries(
  ctx: RuleStepContext,
  submit: SubmitDeps,
  batch: BatchSection,
  workDir: string,
  deferred: Array<{ entry: RuleEntry; retry: DeferredRetry }>,
): Promise<{ submitted: number; stop?: "budget" }> {
  const root = ctx.options.projectRoot;
  const fresh = deferred.filter(
    ({ entry, retry }) => batch.keys[retryKey(entry.issue, retry.n, retry.attempt)] === undefined,
  );
  if (fresh.length === 0) return { submitted: 0 };
  const at = ctx.deps.clock?.now() ?? Date.now();
  const worstCase = fresh.reduce(
    (sum, { retry }) =>
      sum +
      (estimateRequestCost(
        { model: batch.model, promptTokens: retry.estimatedPromptTokens, maxTokens: retry.maxTokens, batch: true, at },
        ctx.deps.pricing ?? defaultPricing,
      ) ?? 0),
    0,
  );
  const remaining = ctx.costs.remaining();
  if (remaining !== undefined && worstCase > remaining) {
    ctx.warn(
      `the retry batch's worst case ($${roundUsd(worstCase)}: every reply at max_tokens, batch rates) is above what max_cost leaves ($${remaining}); not submitted (raise --max-cost, then --resume)`,
    );
    return { submitted: 0, stop: "budget" };
  }
  const rows: BatchRow[] = [];
  for (const { entry, retry } of fresh) {
    const key = retryKey(entry.issue, retry.n, retry.attempt);
    batch.keys[key] = { rule: entry.rule, file: retry.file, retry_dir: shownPath(root, retry.dir) };
    rows.push({ key, request: retry.request });
  }
  writeInputFiles(path.join(workDir, INPUTS_DIR), rows, {
    maxBytes: ctx.options.batchMaxBytes ?? BATCH_LIMITS.maxBytes,
    maxRequests: ctx.options.batchMaxRequests ?? BATCH_LIMITS.maxRequests,
  });
  // Keys and inputs on disk before the upload: a crash from here is resumed, never submitted twice.
  await ctx.save();
  const result = await submitInputs(ctx, submit, batch, workDir);
  for (const outcome of result.outcomes.filter((o) => o.outcome === "failed"))
    ctx.warn(
      `batch ${outcome.batch} (${outcome.file}) was not created: ${outcome.error ?? "unknown error"}; a --resume tries it again`,
    );
  ctx.deps.info?.(`batch: ${rows.length} retry request(s) submitted as a new batch job; come back with --resume`);
  return { submitted: rows.length };
}
