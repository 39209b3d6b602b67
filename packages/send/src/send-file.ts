import { estimateRequestCost, estimateTokens, generateContent, toCliError, type CliError } from "@gembatch/core";
import { refreshCache } from "./cache.js";
import type { PlannedFile } from "./inputs.js";
import { buildRequest, continuationInstruction, requestText, type BuiltRequest } from "./prompt.js";
import { assessReply } from "./reply.js";
import { renderRequestFile } from "./request-file.js";
import { isRunFatal, shown, writeRunFile, writeRunJson, type FileOutcome, type RunContext } from "./run-context.js";
import type { FileMeta, FileResult, StopReason } from "./types.js";
import { addUsage, emptyUsage, priceReply, sumCosts, usageSummary, type ReplyPart } from "./usage.js";

type PartCall =
  | { part: ReplyPart; stop?: undefined; error?: undefined }
  | { part?: undefined; stop?: { reason: StopReason; error?: CliError }; error?: CliError };

export function requestFor(run: RunContext, file: PlannedFile, partial?: string): BuiltRequest {
  return buildRequest({
    report: run.report,
    instructions: file.instructions,
    maxTokens: run.maxTokens,
    ...(run.temperature === undefined ? {} : { temperature: run.temperature }),
    ...(run.thinking ? { thinking: run.thinking } : {}),
    ...(run.cache ? { cachedContent: run.cache.name } : {}),
    ...(partial === undefined ? {} : { partial, continuation: continuationInstruction(file) }),
  });
}

export function writeRequest(run: RunContext, file: PlannedFile, request: BuiltRequest, part = 1): void {
  const cache = run.cache
    ? { name: run.cache.name, systemInstruction: run.cache.systemInstruction, contents: run.cache.contents }
    : undefined;
  const name = part === 1 ? file.names.request : file.names.partRequest(part);
  writeRunFile(
    run,
    name,
    renderRequestFile(request, {
      file: file.file,
      model: run.model,
      sha256: file.sha256,
      fence: file.fence,
      via: run.via,
      part,
      ...(cache ? { cache } : {}),
    }),
  );
}

/** Google's answer to a request naming a cache that expired or was deleted. */
const CACHE_GONE = /CachedContent not found/i;

/**
 * One generateContent call under the budget, the rate limiter and the retry policy; the request file
 * is (re)written just before, so it always shows what went out. A cache lost mid-run is dropped and
 * the request sent again without it.
 */
async function callPart(run: RunContext, file: PlannedFile, part: number, partial?: string): Promise<PartCall> {
  for (let attempt = 1; ; attempt++) {
    const request = requestFor(run, file, partial);
    writeRequest(run, file, request, part);
    const cachedTokens = run.cache?.tokens ?? 0;
    const promptTokens = estimateTokens(requestText(request)) + cachedTokens;
    const estimate =
      estimateRequestCost(
        { model: run.model, promptTokens, cachedTokens, maxTokens: run.maxTokens, at: run.clock.now() },
        run.pricing,
      ) ?? 0;
    const reservation = run.budget.reserve(estimate);
    if (!reservation) {
      run.events.event("budget_stop", {
        file: file.file,
        spent: run.budget.spent(),
        estimate,
        max_cost: run.budget.maxCost,
      });
      return { stop: { reason: "budget" } };
    }
    try {
      await refreshCache(run);
      const outcome = await generateContent(
        run.generate,
        { model: run.model, contents: request.contents, config: request.config },
        { estimatedTokens: promptTokens, context: file.file },
      );
      const priced = priceReply({
        model: outcome.modelVersion ?? run.model,
        usage: outcome.usage,
        at: run.clock.now(),
        batch: false,
        pricing: run.pricing,
      });
      run.budget.settle(reservation, outcome.cost.cost);
      return {
        part: {
          text: outcome.text,
          finishReason: outcome.finishReason,
          usage: outcome.usage,
          modelVersion: outcome.modelVersion,
          cost: outcome.cost.cost,
          costWithoutCache: priced.costWithoutCache,
          attempts: outcome.attempts,
          retries: outcome.retries,
          durationMs: outcome.durationMs,
        },
      };
    } catch (thrown) {
      run.budget.release(reservation);
      const error = toCliError(thrown);
      if (run.signal.aborted || error.code === "INTERRUPTED") return { stop: { reason: "interrupted" } };
      if (attempt === 1 && run.cache && CACHE_GONE.test(error.message)) {
        run.warn(`the explicit cache ${run.cache.name} is gone (${error.message}); sending without it`);
        run.events.event("cache_lost", { name: run.cache.name, file: file.file });
        run.cache = null;
        continue;
      }
      run.events.event("file_failed", { file: file.file, code: error.code, message: error.message });
      return isRunFatal(error) ? { error, stop: { reason: "api_error", error } } : { error };
    }
  }
}

/** Send one file: its request, then continuations while the reply is truncated and allowed. */
export async function sendFile(run: RunContext, file: PlannedFile): Promise<FileOutcome> {
  const startedAt = run.clock.now();
  const first = await callPart(run, file, 1);
  if (!first.part) {
    if (!first.error) return { ...(first.stop ? { stop: first.stop } : {}) };
    const result = writeOutcome(run, file, { parts: [], startedAt, error: first.error.message });
    return { result, ...(first.stop ? { stop: first.stop } : {}) };
  }
  return finishFile(run, file, { first: first.part, startedAt });
}

/**
 * Continue a truncated first part up to `continueTruncated` times, stitching each part on; then write
 * the response, its parts and its meta. Batch mode enters here with the reply the job returned.
 */
export async function finishFile(
  run: RunContext,
  file: PlannedFile,
  options: { first: ReplyPart; startedAt: number; batchJob?: string },
): Promise<FileOutcome> {
  const parts = [options.first];
  let stitched = options.first.text;
  let assessment = assessReply({ text: stitched, finishReason: options.first.finishReason, file: file.file });
  let stop: FileOutcome["stop"];
  let error: string | undefined;
  while (assessment.truncated && parts.length <= run.continueTruncated) {
    run.events.event("continuation", { file: file.file, part: parts.length + 1, chars_so_far: stitched.length });
    const next = await callPart(run, file, parts.length + 1, stitched);
    if (!next.part) {
      stop = next.stop;
      error = next.error
        ? `continuation failed: ${next.error.message}`
        : next.stop?.reason === "budget"
          ? "continuation not sent: max_cost reached"
          : undefined;
      break;
    }
    parts.push(next.part);
    stitched += next.part.text;
    assessment = assessReply({ text: stitched, finishReason: next.part.finishReason, file: file.file });
  }
  const result = writeOutcome(run, file, {
    parts,
    startedAt: options.startedAt,
    error:
      error ??
      (assessment.truncated && parts.length > 1
        ? `${assessment.error} after ${parts.length - 1} continuation(s)`
        : assessment.error),
    ...(options.batchJob ? { batchJob: options.batchJob } : {}),
  });
  return { result, ...(stop ? { stop } : {}) };
}

/** Write response, parts and meta (the meta last: its presence marks the file as answered). */
export function writeOutcome(
  run: RunContext,
  file: PlannedFile,
  outcome: { parts: ReplyPart[]; startedAt: number; error: string | null; batchJob?: string },
): FileResult {
  const { parts } = outcome;
  const last = parts[parts.length - 1];
  const text = parts.map((p) => p.text).join("");
  const assessment = last
    ? assessReply({ text, finishReason: last.finishReason, file: file.file })
    : { success: false, truncated: false, error: outcome.error };
  if (last) writeRunFile(run, file.names.response, text);
  if (parts.length > 1) parts.forEach((part, i) => writeRunFile(run, file.names.partResponse(i + 1), part.text));
  const usage = parts.reduce((sum, p) => addUsage(sum, usageSummary(p.usage)), emptyUsage());
  const finishedAt = run.clock.now();
  const meta: FileMeta = {
    n: file.n,
    file_to_fix: file.file,
    success: assessment.success && outcome.error === null,
    finish_reason: last?.finishReason ?? null,
    truncated: assessment.truncated,
    error: assessment.success ? null : (outcome.error ?? assessment.error),
    sha256_sent: file.sha256,
    report_sha256: run.reportSha,
    fence: file.fence,
    language: file.language,
    model: run.model,
    model_version: last?.modelVersion ?? null,
    max_tokens: run.maxTokens,
    via: run.via,
    cached_content: run.cache?.name ?? null,
    usage,
    cost: sumCosts(parts.map((p) => p.cost)),
    cost_without_cache: sumCosts(parts.map((p) => p.costWithoutCache)),
    attempts: parts.reduce((sum, p) => sum + p.attempts, 0),
    retries: parts
      .flatMap((p) => p.retries)
      .map((r) => ({
        attempt: r.attempt,
        kind: r.kind,
        ...(r.status === undefined ? {} : { status: r.status }),
        delay_ms: r.delayMs,
        server_delay: r.serverDelay,
        message: r.message,
      })),
    duration_ms: finishedAt - outcome.startedAt,
    started_at: new Date(outcome.startedAt).toISOString(),
    finished_at: new Date(finishedAt).toISOString(),
    continuations: Math.max(0, parts.length - 1),
    request_file: file.names.request,
    response_file: last ? file.names.response : null,
    parts:
      parts.length > 1
        ? parts.map((p, i) => ({
            request_file: i === 0 ? file.names.request : file.names.partRequest(i + 1),
            response_file: file.names.partResponse(i + 1),
            finish_reason: p.finishReason,
          }))
        : [],
    ...(outcome.batchJob ? { batch_job: outcome.batchJob } : {}),
  };
  writeRunJson(run, file.names.meta, meta);
  run.events.event(meta.success ? "file_done" : "file_failed", {
    file: file.file,
    finish_reason: meta.finish_reason,
    cost: meta.cost,
    continuations: meta.continuations,
    error: meta.error,
  });
  return resultFromMeta(run, meta, false);
}

/** A summary row from a meta (this run's, or an earlier run's when resuming). */
export function resultFromMeta(
  run: Pick<RunContext, "runDir" | "projectRoot">,
  meta: FileMeta,
  resumed: boolean,
): FileResult {
  return {
    n: meta.n,
    file_to_fix: meta.file_to_fix,
    success: meta.success,
    finish_reason: meta.finish_reason,
    truncated: meta.truncated,
    request_file: shown(run, meta.request_file),
    response_file: meta.response_file === null ? null : shown(run, meta.response_file),
    meta_file: shown(run, meta.request_file.replace(/^request_/, "response_").replace(/\.md$/, ".meta.json")),
    sha256_sent: meta.sha256_sent,
    cost: meta.cost,
    cost_without_cache: meta.cost_without_cache ?? meta.cost,
    usage: meta.usage,
    error: meta.error,
    model_version: meta.model_version,
    continuations: meta.continuations,
    attempts: meta.attempts,
    resumed,
  };
}
