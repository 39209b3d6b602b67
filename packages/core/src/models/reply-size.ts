import { defaultPricing, type Pricing } from "../pricing/cost.js";
import { modelInfo, type ThinkingLevel } from "./catalog.js";
import type { GenerationSettings, ThinkingSetting } from "./settings.js";

/** The floor of an auto-sized reply limit, and the limit when nothing is known about the files. */
export const DEFAULT_MAX_TOKENS = 8192;
/** A model whose output limit is unknown gets at most this (the common 2.5 and 3.x limit). */
const UNKNOWN_MODEL_OUTPUT_CAP = 65_536;
/** A fixed file is about the size of the file sent, plus markers, fences and whatever the fix adds. */
export const REPLY_MARGIN = 1.2;

/** Thinking tokens a reply may spend before its text, counted against maxOutputTokens on 3.x models. */
const LEVEL_HEADROOM: Record<ThinkingLevel, number> = { MINIMAL: 512, LOW: 2048, MEDIUM: 8192, HIGH: 16_384 };
const DYNAMIC_BUDGET_HEADROOM = 8192;

/** The SDK's `thinkingConfig` for the setting (`generationConfig.thinkingConfig` on the wire). */
export function thinkingConfigFor(
  thinking: ThinkingSetting | null,
): { thinkingLevel: ThinkingLevel } | { thinkingBudget: number } | undefined {
  if (!thinking) return undefined;
  return thinking.level !== undefined ? { thinkingLevel: thinking.level } : { thinkingBudget: thinking.budget };
}

/** Output tokens to leave for thinking: the setting's, else the model's default level (or dynamic budget). */
function thinkingHeadroom(
  settings: Pick<GenerationSettings, "model" | "thinking">,
  pricing: Pricing = defaultPricing,
): number {
  if (settings.thinking?.level) return LEVEL_HEADROOM[settings.thinking.level];
  if (settings.thinking?.budget !== undefined)
    return settings.thinking.budget === -1 ? DYNAMIC_BUDGET_HEADROOM : settings.thinking.budget;
  const control = modelInfo(settings.model, pricing)?.thinking;
  if (!control) return DYNAMIC_BUDGET_HEADROOM;
  return control.kind === "level"
    ? LEVEL_HEADROOM[control.default]
    : control.kind === "budget"
      ? DYNAMIC_BUDGET_HEADROOM
      : 0;
}

function outputLimit(model: string, pricing: Pricing = defaultPricing): number | null {
  return modelInfo(model, pricing)?.output ?? null;
}

/** What a whole-file reply to a file of `fileTokens` is expected to use: the file again, and thinking. */
function expectedOutputTokens(
  fileTokens: number,
  settings: Pick<GenerationSettings, "model" | "thinking">,
  pricing: Pricing = defaultPricing,
): number {
  return Math.ceil(fileTokens * REPLY_MARGIN) + thinkingHeadroom(settings, pricing);
}

/** The reply limit for a request whose largest file is `largestFileTokens`: the setting, else sized to fit it. */
export function sizeMaxTokens(
  settings: Pick<GenerationSettings, "model" | "thinking" | "maxTokens">,
  largestFileTokens: number,
  pricing: Pricing = defaultPricing,
): number {
  if (settings.maxTokens !== null) return settings.maxTokens;
  const cap = outputLimit(settings.model, pricing) ?? UNKNOWN_MODEL_OUTPUT_CAP;
  return Math.min(cap, Math.max(DEFAULT_MAX_TOKENS, expectedOutputTokens(largestFileTokens, settings, pricing)));
}

export interface TooLarge {
  file_tokens: number;
  thinking_headroom: number;
  estimated_output_tokens: number;
  output_limit: number;
}

/**
 * The figures when a file's whole fixed version cannot fit the model's output limit; null when it fits (or the limit is
 * unknown).
 */
export function tooLargeFor(
  fileTokens: number,
  settings: Pick<GenerationSettings, "model" | "thinking">,
  pricing: Pricing = defaultPricing,
): TooLarge | null {
  const limit = outputLimit(settings.model, pricing);
  const estimated = expectedOutputTokens(fileTokens, settings, pricing);
  if (limit === null || estimated <= limit) return null;
  return {
    file_tokens: fileTokens,
    thinking_headroom: thinkingHeadroom(settings, pricing),
    estimated_output_tokens: estimated,
    output_limit: limit,
  };
}

/**
 * The limit for a second try after a reply hit MAX_TOKENS: twice the first, within the model's output
 * limit; null when the first already used the whole limit (a retry would be cut off the same way).
 */
export function raisedMaxTokens(previous: number, model: string, pricing: Pricing = defaultPricing): number | null {
  const limit = outputLimit(model, pricing) ?? UNKNOWN_MODEL_OUTPUT_CAP;
  if (previous >= limit) return null;
  return Math.min(limit, previous * 2);
}
