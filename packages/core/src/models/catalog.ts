import { defaultPricing, resolveModel, type Pricing } from "../pricing/cost.js";

/** The SDK's `ThinkingLevel` values (@google/genai 2.x, genai.d.ts `enum ThinkingLevel`). */
export const THINKING_LEVELS = ["MINIMAL", "LOW", "MEDIUM", "HIGH"] as const;
export type ThinkingLevel = (typeof THINKING_LEVELS)[number];

/**
 * How a model takes its thinking setting: 2.5 models a token budget (`thinkingConfig.thinkingBudget`),
 * 3.x models a level (`thinkingConfig.thinkingLevel`; a level sent to 2.5 is an error), older ones none.
 */
type ThinkingControl =
  | { kind: "budget"; min: number; max: number; canDisable: boolean }
  | { kind: "level"; levels: readonly ThinkingLevel[]; default: ThinkingLevel }
  | { kind: "none" };

export interface ModelInfo {
  input: number;
  output: number;
  thinking: ThinkingControl;
  /** Google deprecated temperature, top_p and top_k for this model (changelog 2026-07-21: 3.6 and later). */
  samplingDeprecated: boolean;
  source: string;
}

const MODELS_PAGE = "https://ai.google.dev/gemini-api/docs/models";
const THINKING_PAGE = "https://ai.google.dev/gemini-api/docs/text-generation (thinking)";
const ALL_LEVELS = THINKING_LEVELS;

const budget = (min: number, max: number, canDisable: boolean): ThinkingControl => ({
  kind: "budget",
  min,
  max,
  canDisable,
});
const level = (levels: readonly ThinkingLevel[], byDefault: ThinkingLevel): ThinkingControl => ({
  kind: "level",
  levels,
  default: byDefault,
});

/** Limits and controls per model (gemini-api-facts §5 and §8); a model not listed gets no checks, only warnings. */
const MODEL_INFO: Record<string, ModelInfo> = {
  "gemini-2.5-pro": {
    input: 1_048_576,
    output: 65_536,
    thinking: budget(128, 32_768, false),
    samplingDeprecated: false,
    source: `${MODELS_PAGE}/gemini-2.5-pro; ${THINKING_PAGE}`,
  },
  "gemini-2.5-flash": {
    input: 1_048_576,
    output: 65_536,
    thinking: budget(0, 24_576, true),
    samplingDeprecated: false,
    source: `${MODELS_PAGE}/gemini-2.5-flash; ${THINKING_PAGE}`,
  },
  "gemini-2.5-flash-lite": {
    input: 1_048_576,
    output: 65_536,
    thinking: budget(512, 24_576, true),
    samplingDeprecated: false,
    source: `${MODELS_PAGE}/gemini-2.5-flash-lite; ${THINKING_PAGE}`,
  },
  "gemini-2.0-flash": {
    input: 1_048_576,
    output: 8_192,
    thinking: { kind: "none" },
    samplingDeprecated: false,
    source: `${MODELS_PAGE}/gemini-2.0-flash`,
  },
  "gemini-3.1-flash-lite-preview": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "MINIMAL"),
    samplingDeprecated: false,
    source: MODELS_PAGE,
  },
  "gemini-3-flash-preview": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "HIGH"),
    samplingDeprecated: false,
    source: MODELS_PAGE,
  },
  "gemini-3.1-pro-preview": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "HIGH"),
    samplingDeprecated: false,
    source:
      "https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-8-flash (3.1 Pro limits)",
  },
  "gemini-3.1-flash-lite": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "MINIMAL"),
    samplingDeprecated: false,
    source: MODELS_PAGE,
  },
  "gemini-3.5-flash": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "MEDIUM"),
    samplingDeprecated: false,
    source: MODELS_PAGE,
  },
  "gemini-3.5-flash-lite": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "MINIMAL"),
    samplingDeprecated: false,
    source: "https://ai.google.dev/gemini-api/docs/whats-new (launch: 1M context, up to 64k output)",
  },
  "gemini-3.6-flash": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(ALL_LEVELS, "MEDIUM"),
    samplingDeprecated: true,
    source: "https://ai.google.dev/gemini-api/docs/changelog (2026-07-21)",
  },
  "gemini-3.8-flash": {
    input: 1_048_576,
    output: 65_536,
    thinking: level(["LOW", "MEDIUM", "HIGH"], "MEDIUM"),
    samplingDeprecated: true,
    source: "https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-8-flash",
  },
};

/** The model's entry, following aliases (as of `at`) and `models/` or `-001` spellings. */
export function modelInfo(
  name: string,
  pricing: Pricing = defaultPricing,
  at?: Date | number | string,
): (ModelInfo & { id: string }) | undefined {
  const { id } = resolveModel(name, pricing, at);
  const key = MODEL_INFO[id] ? id : id.replace(/-\d{3}$/, "");
  const info = MODEL_INFO[key];
  return info ? { ...info, id: key } : undefined;
}

export function modelLimits(
  name: string,
  pricing: Pricing = defaultPricing,
): { input: number; output: number } | undefined {
  const info = modelInfo(name, pricing);
  return info ? { input: info.input, output: info.output } : undefined;
}
