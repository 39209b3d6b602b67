import type { PriceTable } from "./schema.js";

const PRICING_PAGE = "https://ai.google.dev/gemini-api/docs/pricing";

/**
 * Gemini API paid-tier prices, USD per 1M tokens (shared/reference/gemini-api-facts.md §4).
 * Each period names its source and the day it was read; announced changes are separate periods.
 * A model without a known figure is left out rather than guessed: its cost is reported as null.
 */
export const DEFAULT_PRICES: PriceTable = {
  "gemini-2.5-pro": {
    long_context_threshold: 200_000,
    retires: "2026-12-01",
    periods: [
      {
        standard: { input: 1.25, output: 10, cached_input: 0.125 },
        long_context: { input: 2.5, output: 15, cached_input: 0.25 },
        batch: { input: 0.625, output: 5 },
        batch_long_context: { input: 1.25, output: 7.5 },
        cache_storage_per_hour: 4.5,
        source: PRICING_PAGE,
        as_of: "2026-08-04",
      },
    ],
  },
  "gemini-2.5-flash": {
    retires: "2026-12-01",
    periods: [
      {
        standard: { input: 0.3, output: 2.5, cached_input: 0.03 },
        batch: { input: 0.15, output: 1.25 },
        cache_storage_per_hour: 1,
        source: PRICING_PAGE,
        as_of: "2026-08-04",
      },
    ],
  },
  "gemini-2.5-flash-lite": {
    periods: [
      {
        standard: { input: 0.1, output: 0.4, cached_input: 0.01 },
        batch: { input: 0.05, output: 0.2 },
        cache_storage_per_hour: 1,
        source: PRICING_PAGE,
        as_of: "2026-03-01",
      },
    ],
  },
  "gemini-2.0-flash": {
    retires: "2026-06-01",
    periods: [
      {
        standard: { input: 0.1, output: 0.4, cached_input: 0.025 },
        batch: { input: 0.05, output: 0.2 },
        cache_storage_per_hour: 1,
        source: PRICING_PAGE,
        as_of: "2026-03-01",
      },
    ],
  },
  "gemini-3.1-pro-preview": {
    long_context_threshold: 200_000,
    periods: [
      {
        standard: { input: 2, output: 12, cached_input: 0.2 },
        long_context: { input: 4, output: 18, cached_input: 0.4 },
        batch: { input: 1, output: 6 },
        batch_long_context: { input: 2, output: 9 },
        cache_storage_per_hour: 4.5,
        source: PRICING_PAGE,
        as_of: "2026-03-01",
      },
    ],
  },
  "gemini-3-flash-preview": {
    periods: [
      {
        standard: { input: 0.5, output: 3, cached_input: 0.05 },
        batch: { input: 0.25, output: 1.5 },
        cache_storage_per_hour: 1,
        source: PRICING_PAGE,
        as_of: "2026-03-01",
      },
    ],
  },
  "gemini-3.1-flash-lite-preview": {
    periods: [
      {
        standard: { input: 0.25, output: 1.5, cached_input: 0.025 },
        batch: { input: 0.125, output: 0.75, cached_input: 0.0125 },
        cache_storage_per_hour: 1,
        source: PRICING_PAGE,
        as_of: "2026-03-01",
      },
    ],
  },
  "gemini-3.8-flash": {
    periods: [
      {
        standard: { input: 0.75, output: 3.75, cached_input: 0.075 },
        batch: { input: 0.375, output: 1.875 },
        cache_storage_per_hour: 0.5,
        source: PRICING_PAGE,
        as_of: "2026-09-15",
      },
      {
        effective_from: "2027-01-01",
        standard: { input: 1.5, output: 7.5, cached_input: 0.15 },
        batch: { input: 0.75, output: 3.75 },
        cache_storage_per_hour: 1,
        source: `${PRICING_PAGE} (announced change)`,
        as_of: "2026-09-15",
      },
    ],
  },
  "gemini-3.6-flash": {
    periods: [
      {
        standard: { input: 1.5, output: 7.5 },
        source: "https://ai.google.dev/gemini-api/docs/whats-new (launch announcement)",
        as_of: "2026-07-21",
      },
    ],
  },
  "gemini-3.5-flash-lite": {
    periods: [
      {
        standard: { input: 0.3, output: 2.5 },
        source: "https://ai.google.dev/gemini-api/docs/whats-new (launch announcement)",
        as_of: "2026-07-21",
      },
    ],
  },
};

/**
 * Google's moving aliases and what they pointed at when read. Cost is priced by the `modelVersion`
 * the API reports, so a stale target here only affects estimates made before a call.
 */
export const DEFAULT_MODEL_ALIASES: Record<string, string> = {
  "gemini-flash-latest": "gemini-3.8-flash",
  "gemini-pro-latest": "gemini-3.1-pro-preview",
  "gemini-flash-lite-latest": "gemini-3.5-flash-lite",
};

export const DEFAULT_MODEL = "gemini-flash-latest";
export const DEFAULT_ESCALATION_MODEL = "gemini-pro-latest";

/** Output-token ceilings, for warnings and continuation decisions. */
export const MODEL_LIMITS: Record<string, { input: number; output: number }> = {
  "gemini-2.5-pro": { input: 1_048_576, output: 65_536 },
  "gemini-2.5-flash": { input: 1_048_576, output: 65_536 },
  "gemini-2.5-flash-lite": { input: 1_048_576, output: 65_536 },
  "gemini-2.0-flash": { input: 1_048_576, output: 8_192 },
  "gemini-3.1-pro-preview": { input: 1_048_576, output: 65_536 },
  "gemini-3.8-flash": { input: 1_048_576, output: 65_536 },
  "gemini-3.6-flash": { input: 1_048_576, output: 65_536 },
  "gemini-3.5-flash-lite": { input: 1_048_576, output: 65_536 },
};
