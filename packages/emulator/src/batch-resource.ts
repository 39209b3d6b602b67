import { toTimestamp } from "./clock.js";
import type { BatchJob, BatchView, RowResult } from "./batch-store.js";

const BATCH_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch";
const OUTPUT_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput";

/** int64 fields are strings in proto JSON, and zero values are left out. */
function int64Fields(fields: Record<string, number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => [k, String(n)]),
  );
}

function batchStats(job: BatchJob, view: BatchView): Record<string, string> {
  const total = job.rows.length;
  const done = (job.results ?? []).slice(0, view.completed);
  const failed = done.filter((r) => r.error).length;
  const stats: Record<string, number> = {};
  if (view.state === "PENDING" || view.state === "RUNNING") {
    stats.pendingRequestCount = total - view.completed;
    stats.successfulRequestCount = done.length - failed;
    stats.failedRequestCount = failed;
  } else if (view.state === "SUCCEEDED") {
    stats.successfulRequestCount = done.length - failed;
    stats.failedRequestCount = failed;
  } else if (view.state === "FAILED") {
    stats.failedRequestCount = total;
  }
  return { requestCount: String(total), ...int64Fields(stats) };
}

function inlinedResponse(result: RowResult): Record<string, unknown> {
  const metadata = result.metadata ?? (result.key !== undefined ? { key: result.key } : undefined);
  return {
    ...(result.error ? { error: result.error } : { response: result.response }),
    ...(metadata ? { metadata } : {}),
  };
}

function output(job: BatchJob): Record<string, unknown> | undefined {
  if (job.outputFile) return { responsesFile: `files/${job.outputFile.id}` };
  if (job.results) return { inlinedResponses: { inlinedResponses: job.results.map(inlinedResponse) } };
  return undefined;
}

function operationError(job: BatchJob, view: BatchView): Record<string, unknown> | undefined {
  if (view.state === "FAILED") {
    if (job.failure) return { code: 3, message: job.failure };
    return { code: job.plan.error?.code ?? 13, message: job.plan.error?.message ?? "Batch job failed." };
  }
  if (view.state === "CANCELLED") return { code: 1, message: "Batch job was cancelled." };
  if (view.state === "EXPIRED") return { code: 4, message: "Batch job expired: it did not complete within 48 hours." };
  return undefined;
}

/** The long-running Operation the API returns for a batch (create, get, list items). */
export function batchOperation(job: BatchJob, view: BatchView): Record<string, unknown> {
  const name = `batches/${job.id}`;
  const out = view.state === "SUCCEEDED" ? output(job) : undefined;
  const metadata: Record<string, unknown> = {
    "@type": BATCH_TYPE,
    name,
    model: `models/${job.model}`,
    ...(job.displayName !== undefined ? { displayName: job.displayName } : {}),
    ...(job.source.kind === "file" ? { inputConfig: { fileName: job.source.fileName } } : {}),
    createTime: toTimestamp(job.createTime),
    updateTime: toTimestamp(view.updateTime),
    ...(view.endTime !== undefined ? { endTime: toTimestamp(view.endTime) } : {}),
    batchStats: batchStats(job, view),
    state: `BATCH_STATE_${view.state}`,
    ...(out ? { output: out } : {}),
  };
  const terminal = view.endTime !== undefined;
  const error = operationError(job, view);
  return {
    name,
    metadata,
    ...(terminal ? { done: true } : {}),
    ...(error ? { error } : {}),
    ...(out ? { response: { "@type": OUTPUT_TYPE, ...out } } : {}),
  };
}
