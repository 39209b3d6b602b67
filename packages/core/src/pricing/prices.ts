import type { PricePeriod, PriceTable, Rates } from "./schema.js";

const PRICING_PAGE = "https://ai.google.dev/gemini-api/docs/pricing";
const DEPRECATIONS = "https://ai.google.dev/gemini-api/docs/deprecations";
const CHANGELOG = "https://ai.google.dev/gemini-api/docs/changelog";
const RETIRE_25 =
  "https://dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9 (citing the deprecations page)";
const HALF_PRICE = "batch at 50% of standard per https://ai.google.dev/gemini-api/docs/batch-api";

/** Batch rates where Google states only "50% of standard" for every model. */
function halfOf(rates: Rates): Rates {
  return { input: rates.input / 2, output: rates.output / 2 };
}

function period(standard: Rates, rest: Omit<PricePeriod, "standard">): PricePeriod {
  return { standard, ...rest };
}

/**
 * Gemini API paid-tier prices, USD per 1M tokens (shared/reference/gemini-api-facts.md §4 and §8).
 * Each period names its source and the day it was read; a figure Google's own page does not state is
 * marked `unconfirmed` with the reason. Retired models stay so old ledgers and replies still price.
 * A model without any known figure is left out rather than guessed: its cost is reported as null.
 */
export const DEFAULT_PRICES: PriceTable = {
  "gemini-2.5-pro": {
    long_context_threshold: 200_000,
    retires: "2026-12-01",
    replacement: "gemini-3.8-flash",
    routed: true,
    retires_source: RETIRE_25,
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
    replacement: "gemini-3.5-flash-lite",
    routed: true,
    retires_source: RETIRE_25,
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
    replacement: "gemini-3.5-flash",
    routed: false,
    retires_source: `${CHANGELOG} (2026-06-01: shut down, use gemini-3.5-flash or gemini-3.1-flash-lite)`,
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
  "gemini-3.1-flash-lite-preview": {
    retires: "2026-05-25",
    replacement: "gemini-3.1-flash-lite",
    routed: false,
    retires_source: `${CHANGELOG} (2026-05-25: shut down, use gemini-3.1-flash-lite)`,
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
        as_of: "2026-11-21",
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
        as_of: "2026-07-04",
      },
    ],
  },
  "gemini-3.1-flash-lite": {
    retires: "2027-05-07",
    retires_source: DEPRECATIONS,
    periods: [
      {
        standard: { input: 0.25, output: 1.5, cached_input: 0.025 },
        batch: { input: 0.125, output: 0.75 },
        source:
          "https://modelcompare.dev/models/google/gemini-3-1-flash-lite (third-party listing; the preview's page prices)",
        as_of: "2026-11-29",
        unconfirmed:
          "the GA price is read from third-party listings that match the preview's; no stored copy of Google's page shows it",
      },
    ],
  },
  "gemini-3.5-flash": {
    periods: [
      period(
        { input: 1.5, output: 9 },
        {
          batch: halfOf({ input: 1.5, output: 9 }),
          source: `${PRICING_PAGE} (copies summarised in gemini-api-facts §8); ${HALF_PRICE}`,
          as_of: "2026-11-21",
        },
      ),
    ],
  },
  "gemini-3.5-flash-lite": {
    periods: [
      period(
        { input: 0.3, output: 2.5 },
        {
          batch: { input: 0.15, output: 1.25 },
          source: `${PRICING_PAGE} (copies summarised in gemini-api-facts §8); batch = the Flex row`,
          as_of: "2026-11-21",
        },
      ),
    ],
  },
  "gemini-3.6-flash": {
    periods: [
      period(
        { input: 1.5, output: 7.5 },
        {
          batch: halfOf({ input: 1.5, output: 7.5 }),
          source: `${PRICING_PAGE} (copies summarised in gemini-api-facts §8); ${HALF_PRICE}`,
          as_of: "2026-11-21",
        },
      ),
    ],
  },
  "gemini-3.8-flash": {
    periods: [
      {
        standard: { input: 0.75, output: 3.75, cached_input: 0.075 },
        batch: { input: 0.375, output: 1.875 },
        cache_storage_per_hour: 0.5,
        source: `${PRICING_PAGE} (two independent copies)`,
        as_of: "2026-11-21",
      },
      {
        effective_from: "2027-01-01",
        standard: { input: 1.5, output: 7.5, cached_input: 0.15 },
        batch: { input: 0.75, output: 3.75 },
        cache_storage_per_hour: 1,
        source: `${PRICING_PAGE} (announced change)`,
        as_of: "2026-11-21",
        unconfirmed:
          "input and output are on the page; the 2027 cached, batch and storage figures are derived (not stated)",
      },
    ],
  },
  "gemini-4-argon": {
    periods: [
      {
        standard: { input: 2, output: 10, cached_input: 0.1 },
        batch: { input: 1, output: 5 },
        source: "third-party pricing tools (gemini-api-facts §8, secondary)",
        as_of: "2026-11-21",
        unconfirmed: "secondary sources only; Google's pricing page copy does not list the model",
      },
      {
        effective_from: "2026-12-01",
        standard: { input: 4, output: 20, cached_input: 0.2 },
        batch: { input: 2, output: 10 },
        source: "third-party pricing tools (gemini-api-facts §8, secondary)",
        as_of: "2026-11-21",
        unconfirmed: "secondary sources only; Google's pricing page copy does not list the model",
      },
    ],
  },
};

export interface ModelAlias {
  target: string;
  source: string;
  as_of: string;
  /** The first day the alias points there (a routing that started on a known day). */
  since?: string;
  /** Why the target is not confirmed for today; absent = confirmed. */
  unconfirmed?: string;
}

/**
 * Google's moving aliases and routings, with what they pointed at when read. A reply is priced by the
 * `modelVersion` the API reports, so a stale target here only affects estimates made before a call;
 * where no source confirms today's target, the costlier plausible one is kept so max_cost errs high.
 */
export const DEFAULT_MODEL_ALIASES: Record<string, ModelAlias> = {
  "gemini-flash-latest": {
    target: "gemini-3.5-flash",
    source: "secondary reports of mid-2026 (gemini-api-facts §8)",
    as_of: "2026-07-01",
    unconfirmed: "no stored source says what the alias points to today; the reply's modelVersion is what gets priced",
  },
  "gemini-pro-latest": {
    target: "gemini-3.1-pro-preview",
    source: "Google email quoted in a gemini-cli issue (gemini-api-facts §8)",
    as_of: "2026-03-06",
    since: "2026-03-06",
    unconfirmed: "confirmed for March 2026 only; a newer Pro-class model (gemini-4-argon) was announced 2026-09-30",
  },
  "gemini-flash-lite-latest": {
    target: "gemini-3.5-flash-lite",
    source: "assumed: the newest GA Flash-Lite on the deprecations page",
    as_of: "2026-11-21",
    unconfirmed: "no source names the alias's target",
  },
  "gemini-3.7-flash": {
    target: "gemini-3.8-flash",
    source: `${CHANGELOG} (2026-10-08)`,
    as_of: "2026-11-21",
    since: "2026-10-08",
  },
  "gemini-3.5-flash": {
    target: "gemini-3.6-flash",
    source: `${CHANGELOG} (2026-10-08)`,
    as_of: "2026-11-21",
    since: "2026-10-08",
  },
};

export const DEFAULT_MODEL = "gemini-flash-latest";
export const DEFAULT_ESCALATION_MODEL = "gemini-pro-latest";
