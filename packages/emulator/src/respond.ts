import { statusForCode, MESSAGES } from "./google-errors.js";
import type { Reply } from "./script-schema.js";
import { countTextTokens } from "./tokens.js";

interface GenerationInput {
  reply: Reply;
  modelVersion: string;
  /** Tokens of the whole prompt, cached content included. */
  promptTokens: number;
  cachedTokens: number;
  maxOutputTokens: number | undefined;
  includeThoughts: boolean;
  responseId: string;
}

interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount: number;
  [key: string]: unknown;
}

interface ScriptedError {
  code: number;
  message: string;
  status: string;
}

export interface Generation {
  /** The unary GenerateContentResponse. */
  body: Record<string, unknown>;
  /** Answer parts (thoughts excluded) and thought parts, for streaming. */
  parts: Record<string, unknown>[];
  thoughtParts: Record<string, unknown>[];
  finishReason: string | undefined;
  usage: UsageMetadata | undefined;
  /** Set when the script answers with an error instead of a response. */
  error: ScriptedError | undefined;
  /** Set when the script gives a raw body to send verbatim. */
  raw: boolean;
}

const CONTENT_FREE_REASONS = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]);

function defaultErrorMessage(code: number): string {
  if (code === 500) return MESSAGES.internal;
  if (code === 503) return MESSAGES.unavailable;
  if (code === 504) return MESSAGES.deadline;
  if (code === 429) return "Resource has been exhausted (e.g. check quota).";
  return "Request contains an invalid argument.";
}

function scriptedError(error: NonNullable<Reply["error"]>): ScriptedError {
  return {
    code: error.code,
    message: error.message ?? defaultErrorMessage(error.code),
    status: error.status ?? statusForCode(error.code),
  };
}

function safetyRatings(blocked: boolean): Record<string, unknown>[] {
  return [
    {
      category: "HARM_CATEGORY_DANGEROUS_CONTENT",
      probability: blocked ? "HIGH" : "NEGLIGIBLE",
      ...(blocked ? { blocked: true } : {}),
    },
    { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
  ];
}

function partsText(parts: Record<string, unknown>[]): string {
  return parts.map((p) => (typeof p.text === "string" ? p.text : JSON.stringify(p))).join("");
}

/** Applies maxOutputTokens the way 2.5-era models do: thinking tokens are spent from the same budget. */
function truncate(text: string, budget: number): string {
  return budget <= 0 ? "" : text.slice(0, budget * 4);
}

function buildUsage(options: {
  promptTokens: number;
  cachedTokens: number;
  candidatesTokens: number;
  thoughtsTokens: number;
  override: Reply["usage"];
  promptOnly?: boolean;
}): UsageMetadata {
  const o = options.override ?? {};
  const prompt = o.promptTokenCount ?? options.promptTokens;
  const cached = o.cachedContentTokenCount ?? options.cachedTokens;
  const candidates = options.promptOnly ? 0 : (o.candidatesTokenCount ?? options.candidatesTokens);
  const thoughts = o.thoughtsTokenCount ?? options.thoughtsTokens;
  const toolUse = o.toolUsePromptTokenCount ?? 0;
  const usage: UsageMetadata = {
    promptTokenCount: prompt,
    ...(options.promptOnly ? {} : { candidatesTokenCount: candidates }),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    ...(toolUse > 0 ? { toolUsePromptTokenCount: toolUse } : {}),
    totalTokenCount: o.totalTokenCount ?? prompt + candidates + thoughts + toolUse,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
  };
  if (cached > 0) usage.cacheTokensDetails = [{ modality: "TEXT", tokenCount: cached }];
  return usage;
}

export function generate(input: GenerationInput): Generation {
  const { reply } = input;
  const base = { parts: [], thoughtParts: [], finishReason: undefined, usage: undefined, raw: false };
  if (reply.error) return { ...base, body: {}, error: scriptedError(reply.error) };
  if (reply.raw) return { ...base, body: reply.raw, raw: true, error: undefined };

  const modelVersion = reply.modelVersion ?? input.modelVersion;
  const envelope = { modelVersion, responseId: input.responseId };
  const thoughtsTokens = reply.thoughtTokens ?? (reply.thoughts ? countTextTokens(reply.thoughts) : 0);

  if (reply.blockReason) {
    const usage = buildUsage({
      ...input,
      candidatesTokens: 0,
      thoughtsTokens: 0,
      override: reply.usage,
      promptOnly: true,
    });
    const promptFeedback = { blockReason: reply.blockReason, safetyRatings: safetyRatings(true) };
    const body = { promptFeedback, usageMetadata: usage, ...envelope };
    return { ...base, body, usage, error: undefined };
  }

  let parts: Record<string, unknown>[] = reply.parts ? reply.parts.map((p) => ({ ...p })) : [];
  if (!reply.parts && reply.text !== undefined && reply.text !== "") parts = [{ text: reply.text }];
  let finishReason: string = reply.finishReason ?? "STOP";
  if (!reply.finishReason && input.maxOutputTokens !== undefined) {
    const budget = input.maxOutputTokens - thoughtsTokens;
    const text = partsText(parts);
    if (countTextTokens(text) > budget && !reply.parts) {
      const kept = truncate(text, budget);
      parts = kept === "" ? [] : [{ text: kept }];
      finishReason = "MAX_TOKENS";
    }
  }
  const thoughtParts = input.includeThoughts && reply.thoughts ? [{ text: reply.thoughts, thought: true }] : [];
  const usage = buildUsage({
    ...input,
    candidatesTokens: countTextTokens(partsText(parts)),
    thoughtsTokens,
    override: reply.usage,
  });
  const allParts = [...thoughtParts, ...parts];
  const contentFree = CONTENT_FREE_REASONS.has(finishReason) && allParts.length === 0;
  const candidate: Record<string, unknown> = {
    ...(contentFree ? {} : { content: { role: "model", ...(allParts.length > 0 ? { parts: allParts } : {}) } }),
    finishReason,
    index: 0,
    ...(CONTENT_FREE_REASONS.has(finishReason) ? { safetyRatings: safetyRatings(finishReason === "SAFETY") } : {}),
  };
  const body = { candidates: [candidate], usageMetadata: usage, ...envelope };
  return { body, parts, thoughtParts, finishReason, usage, error: undefined, raw: false };
}

function splitText(text: string, pieces: number): string[] {
  const count = Math.max(1, Math.min(pieces, text.length));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out.length > 0 ? out : [""];
}

/** Splits a generation into SSE chunks: the final chunk carries finishReason and the full usage. */
export function streamChunks(
  generation: Generation,
  options: { chunks: number; reply: Reply },
): Record<string, unknown>[] {
  const body = generation.body;
  const candidates = body.candidates as Record<string, unknown>[] | undefined;
  if (generation.raw || !candidates || !generation.usage) return [body];
  const onlyText = generation.parts.every((p) => typeof p.text === "string");
  if (!onlyText || generation.parts.length === 0) return [body];

  const text = generation.parts.map((p) => p.text as string).join("");
  const pieces = options.reply.streamChunks ?? splitText(text, options.chunks);
  const { modelVersion, responseId } = body;
  const partial = {
    promptTokenCount: generation.usage.promptTokenCount,
    totalTokenCount: generation.usage.promptTokenCount,
  };
  const last = candidates[0] ?? {};
  return pieces.map((piece, i) => {
    const isLast = i === pieces.length - 1;
    const parts = [...(i === 0 ? generation.thoughtParts : []), ...(piece === "" ? [] : [{ text: piece }])];
    const candidate = isLast
      ? { ...last, content: { role: "model", parts } }
      : { content: { role: "model", parts }, index: 0 };
    return { candidates: [candidate], usageMetadata: isLast ? generation.usage : partial, modelVersion, responseId };
  });
}
