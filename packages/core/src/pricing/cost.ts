import { DEFAULT_MODEL_ALIASES, DEFAULT_PRICES, type ModelAlias } from "./prices.js";
import type { ModelPrice, PricePeriod, PriceTable, Rates } from "./schema.js";

/** The subset of `usageMetadata` that cost depends on (all optional, as the API sends them). */
export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface Pricing {
  prices: PriceTable;
  aliases: Record<string, ModelAlias>;
}

export const defaultPricing: Pricing = { prices: DEFAULT_PRICES, aliases: DEFAULT_MODEL_ALIASES };

/** Merge config overrides over the built-in table; an override replaces a model's entry whole. */
export function createPricing(
  overrides: { prices?: PriceTable | undefined; aliases?: Record<string, string> | undefined } = {},
): Pricing {
  return {
    prices: { ...DEFAULT_PRICES, ...overrides.prices },
    aliases: { ...DEFAULT_MODEL_ALIASES, ...fromConfig(overrides.aliases) },
  };
}

/** A config alias is the user's own statement: its source is the config file. */
function fromConfig(aliases: Record<string, string> = {}): Record<string, ModelAlias> {
  return Object.fromEntries(
    Object.entries(aliases).map(([name, target]) => [
      name,
      { target, source: "gembatch.config.json", as_of: "0000-01-01" },
    ]),
  );
}

/**
 * The table key for a model name as a user or the API spells it: `models/` dropped, aliases followed,
 * a `-001` style version suffix dropped. Anything else unknown stays unknown.
 */
export function resolveModel(
  name: string,
  pricing: Pricing = defaultPricing,
  at?: Date | number | string,
): { id: string; known: boolean } {
  let id = name.trim().replace(/^models\//, "");
  const day = at === undefined ? undefined : isoDay(at);
  for (let hops = 0; hops < 5; hops++) {
    const alias = pricing.aliases[id];
    // A routing that began on a known day does not apply to a reply from before it.
    if (!alias || (day !== undefined && alias.since !== undefined && day < alias.since)) break;
    id = alias.target;
  }
  if (pricing.prices[id]) return { id, known: true };
  const unversioned = id.replace(/-\d{3}$/, "");
  if (pricing.prices[unversioned]) return { id: unversioned, known: true };
  return { id, known: false };
}

function isoDay(at: Date | number | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The price period in force on a given day (periods may start in the future: announced changes). */
export function periodAt(price: ModelPrice, at: Date | number | string): PricePeriod {
  const day = isoDay(at);
  let chosen = price.periods[0]!;
  for (const period of price.periods) {
    const from = period.effective_from ?? "0000-00-00";
    if (from <= day && from >= (chosen.effective_from ?? "0000-00-00")) chosen = period;
  }
  return chosen;
}

interface CostInput {
  model: string;
  usage: UsageMetadata | undefined;
  /** When the call was made; picks the price period. */
  at?: Date | number | string;
  batch?: boolean;
}

interface CostBreakdown {
  uncached_input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  input_cost: number;
  cached_input_cost: number;
  output_cost: number;
}

export interface CostResult {
  /** USD; null when the model or a needed rate is unknown. Never a guess. */
  cost: number | null;
  model: string;
  priced_as: string | null;
  tier: "standard" | "long_context" | "batch" | "batch_long_context" | null;
  breakdown: CostBreakdown | null;
  warning?: string;
}

export function tokenCounts(usage: UsageMetadata | undefined): {
  prompt: number;
  cached: number;
  uncachedInput: number;
  output: number;
  thoughts: number;
  total: number;
} {
  const prompt = usage?.promptTokenCount ?? 0;
  const cached = Math.min(usage?.cachedContentTokenCount ?? 0, prompt);
  const toolUse = usage?.toolUsePromptTokenCount ?? 0;
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const output = (usage?.candidatesTokenCount ?? 0) + thoughts;
  const total = usage?.totalTokenCount ?? prompt + toolUse + output;
  return { prompt, cached, uncachedInput: prompt - cached + toolUse, output, thoughts, total };
}

function pickRates(
  period: PricePeriod,
  long: boolean,
  batch: boolean,
): { rates: Rates | undefined; tier: CostResult["tier"] } {
  if (batch && long) return { rates: period.batch_long_context, tier: "batch_long_context" };
  if (batch) return { rates: period.batch, tier: "batch" };
  if (long) return { rates: period.long_context, tier: "long_context" };
  return { rates: period.standard, tier: "standard" };
}

/** Cost of one response from its usageMetadata, priced by the model that answered. */
export function computeCost(input: CostInput, pricing: Pricing = defaultPricing): CostResult {
  const at = input.at ?? Date.now();
  const { id, known } = resolveModel(input.model, pricing, at);
  const none = (warning: string): CostResult => ({
    cost: null,
    model: input.model,
    priced_as: known ? id : null,
    tier: null,
    breakdown: null,
    warning,
  });
  if (!known) return none(`no price known for model "${input.model}"; cost reported as null`);
  const price = pricing.prices[id]!;
  const period = periodAt(price, at);
  const counts = tokenCounts(input.usage);
  const long = price.long_context_threshold !== undefined && counts.prompt > price.long_context_threshold;
  const { rates, tier } = pickRates(period, long, input.batch ?? false);
  if (!rates) return none(`no ${tier?.replace(/_/g, " ")} price known for model "${id}"; cost reported as null`);
  // The batch cache-hit rate is ambiguous in Google's docs; without an explicit figure, budget at the standard one.
  const fallbackCached = input.batch ? pickRates(period, long, false).rates?.cached_input : undefined;
  const cachedRate = rates.cached_input ?? fallbackCached;
  if (counts.cached > 0 && cachedRate === undefined)
    return none(`no cached-input price known for model "${id}"; cost reported as null`);
  const breakdown: CostBreakdown = {
    uncached_input_tokens: counts.uncachedInput,
    cached_input_tokens: counts.cached,
    output_tokens: counts.output,
    input_cost: (counts.uncachedInput * rates.input) / 1e6,
    cached_input_cost: (counts.cached * (cachedRate ?? 0)) / 1e6,
    output_cost: (counts.output * rates.output) / 1e6,
  };
  const cost = roundUsd(breakdown.input_cost + breakdown.cached_input_cost + breakdown.output_cost);
  return { cost, model: input.model, priced_as: id, tier, breakdown };
}

/** Storage cost of an explicit cache of `tokens` kept for `hours`. */
export function cacheStorageCost(
  model: string,
  tokens: number,
  hours: number,
  at: Date | number = Date.now(),
  pricing = defaultPricing,
): number | null {
  const { id, known } = resolveModel(model, pricing);
  if (!known) return null;
  const rate = periodAt(pricing.prices[id]!, at).cache_storage_per_hour;
  return rate === undefined ? null : roundUsd((tokens * hours * rate) / 1e6);
}

interface EstimateInput {
  model: string;
  promptTokens: number;
  /** Prompt tokens that will be served from an explicit cache. */
  cachedTokens?: number;
  maxTokens: number;
  batch?: boolean;
  at: number;
}

/** The most a request can cost: its prompt at the model's price plus a reply of the full max_tokens. */
export function estimateRequestCost(input: EstimateInput, pricing: Pricing = defaultPricing): number | null {
  return computeCost(
    {
      model: input.model,
      usage: {
        promptTokenCount: input.promptTokens,
        cachedContentTokenCount: input.cachedTokens ?? 0,
        candidatesTokenCount: input.maxTokens,
      },
      at: input.at,
      batch: input.batch ?? false,
    },
    pricing,
  ).cost;
}

/** Twelve decimals: exact enough for sums of per-token prices without float noise in reports. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
