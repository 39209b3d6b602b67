import {
  cacheStorageCost,
  computeCost,
  estimateRequestCost,
  REPLY_MARGIN,
  roundUsd,
  type Pricing,
} from "@gembatch/core";
import { shouldCache, type DryRunFile } from "@gembatch/send";

export interface RouteCosts {
  sync: number | null;
  batch: number | null;
  /**
   * Sync with explicit caching of the shared context (report and instructions) where a run would
   * cache it: its creation, an hour of storage and cached reads; a rule too small to cache counts at sync.
   */
  sync_with_cache: number | null;
  /** Rules whose shared context is large enough to cache. */
  cached_rules: number;
}

/**
 * Batch rows are not cached explicitly (the Batch API bills them at half price instead); a sync run caches when the
 * shared context is large enough.
 */
const CACHE_TTL_HOURS = 1;

function add(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : roundUsd(a + b);
}

/**
 * What one rule's requests would cost by each route, at the expected reply size (the file again):
 * the choice between sync, batch and sync with caching, in dollars, from the same request estimates.
 */
export function routeCosts(input: {
  model: string;
  report: string;
  planned: DryRunFile[];
  maxTokens: number;
  at: number;
  pricing: Pricing;
}): RouteCosts {
  const files = input.planned.filter((p) => !p.too_large);
  const cache = shouldCache({
    enabled: true,
    files: files.length,
    report: input.report,
    model: input.model,
    pricing: input.pricing,
  });
  let sync: number | null = 0;
  let batch: number | null = 0;
  let cached: number | null = 0;
  for (const file of files) {
    const replyTokens = Math.min(input.maxTokens, Math.ceil(file.estimated_file_tokens * REPLY_MARGIN));
    const base = {
      model: input.model,
      promptTokens: file.estimated_prompt_tokens,
      maxTokens: replyTokens,
      at: input.at,
    };
    sync = add(sync, estimateRequestCost(base, input.pricing));
    batch = add(batch, estimateRequestCost({ ...base, batch: true }, input.pricing));
    cached = add(
      cached,
      estimateRequestCost(
        { ...base, cachedTokens: Math.min(cache.tokens, file.estimated_prompt_tokens) },
        input.pricing,
      ),
    );
  }
  if (!cache.cache) return { sync, batch, sync_with_cache: sync, cached_rules: 0 };
  const creation = computeCost(
    { model: input.model, usage: { promptTokenCount: cache.tokens }, at: input.at },
    input.pricing,
  ).cost;
  const storage = cacheStorageCost(input.model, cache.tokens, CACHE_TTL_HOURS, input.at, input.pricing);
  return { sync, batch, sync_with_cache: add(add(cached, creation), storage), cached_rules: 1 };
}

export const NO_ROUTE_COSTS: RouteCosts = { sync: 0, batch: 0, sync_with_cache: 0, cached_rules: 0 };

export function sumRoutes(a: RouteCosts, b: RouteCosts): RouteCosts {
  return {
    sync: add(a.sync, b.sync),
    batch: add(a.batch, b.batch),
    sync_with_cache: add(a.sync_with_cache, b.sync_with_cache),
    cached_rules: a.cached_rules + b.cached_rules,
  };
}
