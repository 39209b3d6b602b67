import {
  appendLedger,
  cacheStorageCost,
  computeCost,
  estimateTokens,
  redactSecrets,
  resolveModel,
  roundUsd,
  toCliError,
  withRetry,
  type Pricing,
  type RetryPolicy,
} from "@gembatch/core";
import { SYSTEM_INSTRUCTION } from "./prompt.js";
import type { ActiveCache, RunContext } from "./run-context.js";
import type { CacheSummary, FileResult } from "./types.js";

/**
 * Google's minimum size of an explicit cache, by model family (ai.google.dev caching docs, 2026-10):
 * 2,048 tokens for 2.x models, 4,096 for 3.x and anything newer or unknown.
 */
const CACHE_MIN_TOKENS: Array<{ pattern: RegExp; tokens: number }> = [
  { pattern: /^gemini-[12]\./, tokens: 2048 },
  { pattern: /.*/, tokens: 4096 },
];

export function cacheMinTokens(model: string, pricing: Pricing): number {
  const id = resolveModel(model, pricing).id;
  return CACHE_MIN_TOKENS.find((entry) => entry.pattern.test(id))?.tokens ?? 4096;
}

/** Extend the TTL this long before it runs out, so a long run never sends a request to an expired cache. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Worth caching: the shared part is above the model's minimum and at least two requests will reuse it. */
export function shouldCache(options: {
  enabled: boolean;
  files: number;
  report: string;
  model: string;
  pricing: Pricing;
}): { cache: boolean; tokens: number; minimum: number } {
  const tokens = estimateTokens(`${SYSTEM_INSTRUCTION}\n${options.report}`);
  const minimum = cacheMinTokens(options.model, options.pricing);
  return { cache: options.enabled && options.files >= 2 && tokens >= minimum, tokens, minimum };
}

export interface CacheState {
  summary: CacheSummary;
  createdAt: number;
  ledgerFile?: string;
}

/**
 * Create the explicit cache holding the system instruction and the report. A refusal (too small by
 * Google's count, unsupported model) is not fatal: the run goes on without it, implicit caching still applies.
 */
export async function createCache(
  run: RunContext,
  options: { ttlSeconds: number; retryPolicy?: Partial<RetryPolicy>; ledgerFile?: string },
): Promise<CacheState | null> {
  const summary: CacheSummary = {
    name: null,
    tokens: 0,
    created: false,
    deleted: false,
    ttl_seconds: options.ttlSeconds,
    creation_cost: null,
    storage_cost: null,
    storage_hours: 0,
    cached_tokens_used: 0,
    saving: null,
  };
  const contents = [run.report];
  try {
    const { value: created } = await withRetry(
      () =>
        run.client.caches.create({
          model: run.model,
          config: {
            systemInstruction: SYSTEM_INSTRUCTION,
            // The cached report is prompt text leaving for the API: scrubbed here, once.
            contents: [{ role: "user", parts: [{ text: redactSecrets(run.report) }] }],
            ttl: `${options.ttlSeconds}s`,
            displayName: `gembatch-send-${run.runName}`,
            abortSignal: run.signal,
          },
        }),
      { policy: options.retryPolicy, clock: run.clock, signal: run.signal, context: "cache" },
    );
    if (!created.name) throw new Error("caches.create returned no name");
    const tokens = created.usageMetadata?.totalTokenCount ?? estimateTokens(`${SYSTEM_INSTRUCTION}\n${run.report}`);
    const createdAt = run.clock.now();
    // Expiry on our own clock (not the server's expireTime): the refresh compares it with our clock.
    run.cache = {
      name: created.name,
      tokens,
      systemInstruction: SYSTEM_INSTRUCTION,
      contents,
      expiresAt: createdAt + options.ttlSeconds * 1000,
    } satisfies ActiveCache;
    summary.name = created.name;
    summary.tokens = tokens;
    summary.created = true;
    // Caching bills the cached tokens once at the standard input price when the cache is made.
    summary.creation_cost = computeCost(
      { model: run.model, usage: { promptTokenCount: tokens }, at: createdAt },
      run.pricing,
    ).cost;
    run.budget.add(summary.creation_cost);
    if (options.ledgerFile) {
      appendLedger(
        options.ledgerFile,
        ledgerRecord(run, { operation: "cache_create", tokens, cost: summary.creation_cost, at: createdAt }),
      );
    }
    run.events.event("cache_created", {
      name: created.name,
      tokens,
      ttl_seconds: options.ttlSeconds,
      creation_cost: summary.creation_cost,
    });
    return { summary, createdAt, ...(options.ledgerFile ? { ledgerFile: options.ledgerFile } : {}) };
  } catch (thrown) {
    const error = toCliError(thrown);
    if (run.signal.aborted) throw error;
    summary.error = error.message;
    run.warn(`explicit cache not created (${error.message}); sending without it`);
    run.events.event("cache_failed", { code: error.code, message: error.message });
    return { summary, createdAt: run.clock.now() };
  }
}

function ledgerRecord(run: RunContext, entry: { operation: string; tokens: number; cost: number | null; at: number }) {
  return {
    time: new Date(entry.at).toISOString(),
    command: run.generate.ledger?.command ?? "send",
    model: run.model,
    model_version: null,
    operation: entry.operation,
    prompt_tokens: entry.operation === "cache_create" ? entry.tokens : 0,
    cached_tokens: 0,
    output_tokens: 0,
    thinking_tokens: 0,
    total_tokens: entry.operation === "cache_create" ? entry.tokens : 0,
    cost: entry.cost,
    run: run.runName,
  };
}

/** Push the expiry out when a long run gets close to it. */
export async function refreshCache(run: RunContext): Promise<void> {
  const cache = run.cache;
  if (!cache || run.clock.now() < cache.expiresAt - REFRESH_MARGIN_MS) return;
  const ttlMs = Math.max(REFRESH_MARGIN_MS * 2, 3_600_000);
  const previous = cache.expiresAt;
  // Set before the call so concurrent requests do not all refresh at once.
  cache.expiresAt = run.clock.now() + ttlMs;
  try {
    await run.client.caches.update({ name: cache.name, config: { ttl: `${Math.round(ttlMs / 1000)}s` } });
    run.events.event("cache_extended", { name: cache.name, ttl_seconds: Math.round(ttlMs / 1000) });
  } catch (thrown) {
    // Not fatal: if the cache does expire, the request naming it is sent again without it.
    cache.expiresAt = previous;
    run.events.event("cache_extend_failed", { name: cache.name, message: toCliError(thrown).message });
  }
}

/** Delete the cache (whatever happened to the run) and settle its storage cost. */
export async function deleteCache(run: RunContext, state: CacheState): Promise<CacheSummary> {
  const { summary } = state;
  if (summary.created && summary.name) {
    try {
      await run.client.caches.delete({ name: summary.name });
      summary.deleted = true;
      run.events.event("cache_deleted", { name: summary.name });
    } catch (thrown) {
      const error = toCliError(thrown);
      summary.error = `delete failed: ${error.message}`;
      run.warn(`could not delete the cache ${summary.name} (${error.message}); it expires by its TTL`);
    }
    const deletedAt = run.clock.now();
    // Storage is billed until deletion, or until the TTL runs out when deletion failed.
    const until = summary.deleted ? deletedAt : Math.max(deletedAt, run.cache?.expiresAt ?? deletedAt);
    summary.storage_hours = Math.max(0, until - state.createdAt) / 3_600_000;
    summary.storage_cost = cacheStorageCost(run.model, summary.tokens, summary.storage_hours, deletedAt, run.pricing);
    run.budget.add(summary.storage_cost);
    if (state.ledgerFile)
      appendLedger(
        state.ledgerFile,
        ledgerRecord(run, {
          operation: "cache_storage",
          tokens: summary.tokens,
          cost: summary.storage_cost,
          at: deletedAt,
        }),
      );
  }
  run.cache = null;
  return summary;
}

/** The saving against sending without the cache: what cached tokens saved, less the cache's own costs. */
export function settleSaving(summary: CacheSummary, results: FileResult[], gross: number | null): void {
  summary.cached_tokens_used = results.filter((r) => !r.resumed).reduce((sum, r) => sum + r.usage.cached_tokens, 0);
  const costsKnown = !summary.created || (summary.creation_cost !== null && summary.storage_cost !== null);
  summary.saving =
    gross === null || !costsKnown ? null : roundUsd(gross - (summary.creation_cost ?? 0) - (summary.storage_cost ?? 0));
}
