import { z } from "zod";

import { parseWith } from "./config-error.js";

const FINISH_REASONS = [
  "FINISH_REASON_UNSPECIFIED",
  "STOP",
  "MAX_TOKENS",
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "OTHER",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "MALFORMED_FUNCTION_CALL",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "NO_IMAGE",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "CONTINUATION",
] as const;

const BLOCK_REASONS = ["SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT", "IMAGE_SAFETY", "MODEL_ARMOR"] as const;

const BATCH_OUTCOMES = ["SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"] as const;

/** `"pattern"` or `"/pattern/flags"`; `g` and `y` are dropped because they make `test()` stateful. */
export function compileRegex(source: string): RegExp {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(source);
  if (!literal) return new RegExp(source);
  return new RegExp(literal[1] as string, (literal[2] as string).replace(/[gy]/g, ""));
}

const RegexSource = z.string().refine(
  (source) => {
    try {
      compileRegex(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: "invalid regular expression" },
);

const Count = z.number().int().nonnegative();

const UsageSchema = z
  .object({
    promptTokenCount: Count,
    candidatesTokenCount: Count,
    thoughtsTokenCount: Count,
    cachedContentTokenCount: Count,
    toolUsePromptTokenCount: Count,
    totalTokenCount: Count,
  })
  .partial()
  .strict();

const ErrorReplySchema = z
  .object({
    code: z.number().int().min(400).max(599),
    message: z.string().optional(),
    status: z.string().optional(),
  })
  .strict();

const ReplySchema = z
  .object({
    text: z.string().optional(),
    parts: z.array(z.record(z.string(), z.unknown())).optional(),
    finishReason: z.enum(FINISH_REASONS).optional(),
    usage: UsageSchema.optional(),
    thoughts: z.string().optional(),
    thoughtTokens: Count.optional(),
    delayMs: z.number().nonnegative().optional(),
    error: ErrorReplySchema.optional(),
    blockReason: z.enum(BLOCK_REASONS).optional(),
    streamChunks: z.array(z.string()).min(1).optional(),
    modelVersion: z.string().min(1).optional(),
    raw: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const MatchSchema = z
  .object({
    model: z.string().min(1).optional(),
    text: z.string().optional(),
    regex: RegexSource.optional(),
    key: z.string().optional(),
    route: z.enum(["generateContent", "streamGenerateContent", "sync", "batch"]).optional(),
    nth: z.number().int().positive().optional(),
  })
  .strict();

const ReplyEntrySchema = z
  .object({
    match: MatchSchema.optional(),
    times: z.number().int().positive().optional(),
    reply: ReplySchema,
  })
  .strict();

const BatchPlanSchema = z
  .object({
    match: z
      .object({
        displayName: z.string().optional(),
        displayNameRegex: RegexSource.optional(),
        model: z.string().min(1).optional(),
        source: z.enum(["inline", "file"]).optional(),
        nth: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    times: z.number().int().positive().optional(),
    outcome: z.enum(BATCH_OUTCOMES).optional(),
    pendingMs: z.number().nonnegative().optional(),
    runningMs: z.number().nonnegative().optional(),
    output: z.enum(["file", "inline"]).optional(),
    error: z.object({ code: z.number().int().optional(), message: z.string().optional() }).strict().optional(),
  })
  .strict();

const ScriptSchema = z
  .object({
    replies: z.array(ReplyEntrySchema).default([]),
    default: ReplySchema.optional(),
    batches: z.array(BatchPlanSchema).default([]),
  })
  .strict();

export type Reply = z.output<typeof ReplySchema>;
export type ReplyMatch = z.output<typeof MatchSchema>;
export type ReplyEntry = z.output<typeof ReplyEntrySchema>;
export type BatchPlanEntry = z.output<typeof BatchPlanSchema>;
export type Script = z.output<typeof ScriptSchema>;
/** What callers write: a script object, or just the list of reply entries. */
export type ScriptInput = z.input<typeof ScriptSchema> | z.input<typeof ReplyEntrySchema>[];

export function parseScript(input: unknown, root = "script"): Script {
  const normalized = Array.isArray(input) ? { replies: input } : (input ?? {});
  return parseWith(ScriptSchema, root, normalized);
}
