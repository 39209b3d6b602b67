import { computeCost, roundUsd, type Pricing, type RetryEvent, type UsageMetadata } from "@gembatch/core";
import type { UsageSummary } from "./types.js";

/** One model reply (one part of a possibly continued answer) and what it cost. */
export interface ReplyPart {
  text: string;
  finishReason: string | null;
  usage: UsageMetadata;
  modelVersion: string | null;
  cost: number | null;
  costWithoutCache: number | null;
  attempts: number;
  retries: RetryEvent[];
  durationMs: number;
}

export function emptyUsage(): UsageSummary {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_tokens: 0, thinking_tokens: 0 };
}

export function usageSummary(usage: UsageMetadata): UsageSummary {
  const prompt = usage.promptTokenCount ?? 0;
  const completion = usage.candidatesTokenCount ?? 0;
  const thinking = usage.thoughtsTokenCount ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion + thinking + (usage.toolUsePromptTokenCount ?? 0),
    cached_tokens: usage.cachedContentTokenCount ?? 0,
    thinking_tokens: thinking,
  };
}

export function addUsage(a: UsageSummary, b: UsageSummary): UsageSummary {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    cached_tokens: a.cached_tokens + b.cached_tokens,
    thinking_tokens: a.thinking_tokens + b.thinking_tokens,
  };
}

/** A sum that is unknown as soon as one term is. */
export function sumCosts(costs: Array<number | null>): number | null {
  let total = 0;
  for (const cost of costs) {
    if (cost === null) return null;
    total += cost;
  }
  return roundUsd(total);
}

/** Price a reply by the model that answered, and again as if nothing had come from a cache. */
export function priceReply(options: {
  model: string;
  usage: UsageMetadata;
  at: number;
  batch: boolean;
  pricing: Pricing;
}): {
  cost: number | null;
  costWithoutCache: number | null;
} {
  const { model, usage, at, batch, pricing } = options;
  const cost = computeCost({ model, usage, at, batch }, pricing).cost;
  const uncached =
    (usage.cachedContentTokenCount ?? 0) === 0
      ? cost
      : computeCost({ model, usage: { ...usage, cachedContentTokenCount: 0 }, at, batch }, pricing).cost;
  return { cost, costWithoutCache: uncached };
}

export function usd(value: number | null): string {
  if (value === null) return "unknown";
  return `$${value.toFixed(value !== 0 && value < 0.01 ? 6 : 4)}`;
}
