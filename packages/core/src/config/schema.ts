import { z } from "zod";
import { ModelPriceSchema } from "../pricing/schema.js";

export const RateLimitsSchema = z
  .object({
    requests_per_minute: z.number().positive().optional(),
    tokens_per_minute: z.number().positive().optional(),
    concurrency: z.number().int().positive().optional(),
  })
  .strict();

export const RetrySchema = z
  .object({
    max_retries: z.number().int().nonnegative().optional(),
    base_delay_ms: z.number().nonnegative().optional(),
    max_delay_ms: z.number().nonnegative().optional(),
    /** Wait after a 429 that carries no RetryInfo (the seed's 180 s). */
    rate_limit_wait_ms: z.number().nonnegative().optional(),
  })
  .strict();

export const OutputSchema = z
  .object({
    tmp_dir: z.string().min(1).optional(),
    issues_dir: z.string().min(1).optional(),
  })
  .strict();

/** `gembatch.config.json`. Sections owned by one package (scan) are validated by that package. */
export const ConfigFileSchema = z
  .object({
    $schema: z.string().optional(),
    model: z.string().min(1).optional(),
    escalation_model: z.string().min(1).optional(),
    base_url: z.url().optional(),
    timeout_ms: z.number().int().positive().optional(),
    max_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_cost: z.number().nonnegative().optional(),
    pricing: z.record(z.string(), ModelPriceSchema).optional(),
    model_aliases: z.record(z.string(), z.string().min(1)).optional(),
    rate_limits: RateLimitsSchema.optional(),
    retry: RetrySchema.optional(),
    verify: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    scan: z.record(z.string(), z.unknown()).optional(),
    output: OutputSchema.optional(),
    ledger_file: z.string().min(1).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type RateLimits = z.infer<typeof RateLimitsSchema>;
