import { z } from "zod";
import { generationFields } from "../models/settings.js";
import { ModelPriceSchema } from "../pricing/schema.js";

/**
 * The config file is committed with the code, so a path in it is as hostile as the repository: it
 * names a place inside the project, never an absolute path or one that climbs out.
 */
function projectRelative(key: string) {
  return z
    .string()
    .min(1)
    .refine(
      (value) => !value.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(value) && !value.split(/[\\/]/).includes(".."),
      `${key} must be a path inside the project (relative, without ..)`,
    )
    .refine(
      (value) => !value.split(/[\\/]/).some((part) => part.toLowerCase() === ".git"),
      `${key} must not be inside .git`,
    );
}

const RateLimitsSchema = z
  .object({
    requests_per_minute: z.number().positive().optional(),
    tokens_per_minute: z.number().positive().optional(),
    concurrency: z.number().int().positive().optional(),
  })
  .strict();

const RetrySchema = z
  .object({
    max_retries: z.number().int().nonnegative().optional(),
    base_delay_ms: z.number().nonnegative().optional(),
    max_delay_ms: z.number().nonnegative().optional(),
    /** Wait after a 429 that carries no RetryInfo (the seed's 180 s). */
    rate_limit_wait_ms: z.number().nonnegative().optional(),
  })
  .strict();

const OutputSchema = z
  .object({
    tmp_dir: projectRelative("tmp_dir").optional(),
    issues_dir: projectRelative("issues_dir").optional(),
  })
  .strict();

/** `gembatch.config.json`. Sections owned by one package (scan) are validated by that package. */
export const ConfigFileSchema = z
  .object({
    $schema: z.string().optional(),
    model: z.string().min(1).optional(),
    escalation_model: z.string().min(1).optional(),
    base_url: z
      .url({ protocol: /^https?$/, error: "must be a full http:// or https:// URL, such as http://127.0.0.1:8080" })
      .optional(),
    timeout_ms: z.number().int().positive().optional(),
    max_tokens: generationFields.max_tokens,
    thinking_level: generationFields.thinking_level,
    thinking_budget: generationFields.thinking_budget,
    temperature: generationFields.temperature,
    max_cost: generationFields.max_cost,
    pricing: z.record(z.string(), ModelPriceSchema).optional(),
    model_aliases: z.record(z.string(), z.string().min(1)).optional(),
    rate_limits: RateLimitsSchema.optional(),
    retry: RetrySchema.optional(),
    verify: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]).optional(),
    scan: z.record(z.string(), z.unknown()).optional(),
    output: OutputSchema.optional(),
    ledger_file: projectRelative("ledger_file")
      .refine(
        (value) => value.endsWith(".jsonl"),
        "must end in .jsonl (the ledger is appended to, one JSON line per call)",
      )
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type RateLimits = z.infer<typeof RateLimitsSchema>;
