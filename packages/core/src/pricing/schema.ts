import { z } from "zod";

const usd = z.number().nonnegative();

/** Rates in USD per 1M tokens. Thinking tokens are billed as output. */
const RatesSchema = z
  .object({
    input: usd,
    output: usd,
    cached_input: usd.optional(),
  })
  .strict();

export const PricePeriodSchema = z
  .object({
    /** First UTC day (inclusive) these prices apply; absent = since the model launched. */
    effective_from: z.iso.date().optional(),
    standard: RatesSchema,
    /** Rates that replace `standard` for the whole request when the prompt exceeds `long_context_threshold`. */
    long_context: RatesSchema.optional(),
    batch: RatesSchema.optional(),
    batch_long_context: RatesSchema.optional(),
    /** USD per 1M tokens per hour of explicit-cache storage. */
    cache_storage_per_hour: usd.optional(),
    source: z.string().min(1),
    as_of: z.iso.date(),
    /**
     * Why this figure is not confirmed by Google's own page (a secondary source, a derived figure); absent = confirmed.
     */
    unconfirmed: z.string().min(1).optional(),
  })
  .strict();

export const ModelPriceSchema = z
  .object({
    long_context_threshold: z.number().int().positive().optional(),
    /** The day Google shuts the model down on the Gemini API, when announced. */
    retires: z.iso.date().optional(),
    /** The model Google routes the retired one's requests to (or advises moving to). */
    replacement: z.string().min(1).optional(),
    /** True when Google routes requests to `replacement` after shutdown instead of failing them. */
    routed: z.boolean().optional(),
    /** Where the shutdown date and replacement come from. */
    retires_source: z.string().min(1).optional(),
    periods: z.array(PricePeriodSchema).min(1),
  })
  .strict();

export type Rates = z.infer<typeof RatesSchema>;
export type PricePeriod = z.infer<typeof PricePeriodSchema>;
export type ModelPrice = z.infer<typeof ModelPriceSchema>;
export type PriceTable = Record<string, ModelPrice>;
