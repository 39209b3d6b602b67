import { fileRows, inlineRows, readBatchCreateBody, type BatchRow } from "../batch-input.js";
import { batchOperation } from "../batch-resource.js";
import type { BatchPlan } from "../batch-store.js";
import { toTimestamp } from "../clock.js";
import { fileIdFrom, missingFile } from "../files-store.js";
import { checkModel } from "../models.js";
import { paginate } from "../pager.js";
import type { EmulatorState } from "../state.js";
import { contentsTokens } from "../tokens.js";
import type { RouteContext } from "./context.js";

function rowTokens(state: EmulatorState, rows: BatchRow[]): number {
  let total = 0;
  for (const row of rows) {
    const request = row.request as Record<string, unknown>;
    total += contentsTokens(request.contents, state.fileLookup);
    total += contentsTokens(request.systemInstruction ?? request.system_instruction, state.fileLookup);
  }
  return total;
}

function planFor(
  state: EmulatorState,
  options: { displayName: string; model: string; source: "inline" | "file" },
): BatchPlan {
  const scripted = state.script.plan(options);
  const defaults = state.settings.batch;
  return {
    pendingMs: scripted?.pendingMs ?? defaults.pendingMs,
    runningMs: scripted?.runningMs ?? defaults.runningMs,
    outcome: scripted?.outcome ?? "SUCCEEDED",
    output: scripted?.output ?? options.source,
    error: scripted?.error,
  };
}

export async function createBatch(ctx: RouteContext): Promise<void> {
  const { state } = ctx;
  const model = checkModel(ctx.resource ?? "", "batchGenerateContent", state.settings.models);
  const spec = readBatchCreateBody(await ctx.json());
  let rows: BatchRow[];
  let failure: string | undefined;
  let source: { kind: "inline" } | { kind: "file"; fileName: string };
  if (spec.fileName !== undefined) {
    const id = fileIdFrom(spec.fileName);
    const file = state.files.find(id);
    if (!file) throw missingFile(id);
    ({ rows, failure } = fileRows(file.data));
    source = { kind: "file", fileName: `files/${id}` };
  } else {
    rows = inlineRows(spec.inline ?? []);
    source = { kind: "inline" };
  }
  const inputTokens = rowTokens(state, rows);
  const active = state.batches.active(model);
  const refusal = state.quotas.admitBatch({
    model,
    inputTokens,
    activeJobs: active.count,
    enqueuedTokens: active.enqueuedTokens,
  });
  if (refusal) {
    state.recorder.rejection({
      at: toTimestamp(state.clock.now()),
      route: "batches.create",
      model,
      quotaIds: refusal.quotaIds,
      source: "quota",
    });
    throw refusal.error;
  }
  const plan = planFor(state, { displayName: spec.displayName ?? "", model, source: source.kind });
  const job = state.batches.create({
    displayName: spec.displayName,
    model,
    source,
    rows,
    inputTokens,
    failure,
    plan,
    webhookConfig: spec.webhookConfig,
  });
  ctx.send(200, batchOperation(job, state.batches.view(job)));
}

export function getBatch(ctx: RouteContext): void {
  const job = ctx.state.batches.get(ctx.resource ?? "");
  ctx.send(200, batchOperation(job, ctx.state.batches.view(job)));
}

export function listBatches(ctx: RouteContext): void {
  const { batches } = ctx.state;
  const page = paginate(batches.list(), ctx.query, { defaultSize: 10, maxSize: 100 });
  const operations = page.items.map((job) => batchOperation(job, batches.view(job)));
  ctx.send(200, {
    ...(operations.length > 0 ? { operations } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
  });
}

export function cancelBatch(ctx: RouteContext): void {
  ctx.state.batches.cancel(ctx.resource ?? "");
  ctx.send(200, {});
}

export function deleteBatch(ctx: RouteContext): void {
  ctx.state.batches.remove(ctx.resource ?? "");
  ctx.send(200, {});
}
