import { z } from "zod";
import type { CommandContext } from "../cli/define-command.js";
import { CliError } from "../errors.js";
import type { ConfigFile } from "../config/schema.js";
import { defaultPricing, type Pricing } from "../pricing/cost.js";
import { defaultRetryPolicy } from "../retry/retry.js";
import { modelInfo, THINKING_LEVELS, type ModelInfo, type ThinkingLevel } from "./catalog.js";

/** The zod fields every model-calling command takes; spread into a command's schema. */
export const generationFields = {
  max_tokens: z.number().int().positive().optional(),
  thinking_level: z
    .string()
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.enum(THINKING_LEVELS, { error: `must be one of ${THINKING_LEVELS.join(", ")}` }))
    .optional(),
  thinking_budget: z.number().int().min(-1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_cost: z.number().nonnegative().optional(),
  max_retries: z.number().int().nonnegative().optional(),
  allow_retired: z.boolean().optional(),
};

export type GenerationKey = keyof typeof generationFields;
export type GenerationInput = { [K in GenerationKey]?: z.output<(typeof generationFields)[K]> | undefined };

/** Flag or JSON argument (a flag given with a JSON argument wins over its key), env, config file, default. */
type SettingSource = "argument" | "env" | "config" | "default";

const GENERATION_ENV: Record<GenerationKey, string> = {
  max_tokens: "GEMBATCH_MAX_TOKENS",
  thinking_level: "GEMBATCH_THINKING_LEVEL",
  thinking_budget: "GEMBATCH_THINKING_BUDGET",
  temperature: "GEMBATCH_TEMPERATURE",
  max_cost: "GEMBATCH_MAX_COST",
  max_retries: "GEMBATCH_MAX_RETRIES",
  allow_retired: "GEMBATCH_ALLOW_RETIRED",
};

export type ThinkingSetting = { level: ThinkingLevel; budget?: undefined } | { budget: number; level?: undefined };

/** One command's generation settings, resolved once (precedence, then the model's own limits). */
export interface GenerationSettings {
  model: string;
  /** null: sized per request from the largest file plus thinking headroom (see `sizeMaxTokens`). */
  maxTokens: number | null;
  thinking: ThinkingSetting | null;
  /** null: the model's own default (Google advises leaving 3.x models at theirs). */
  temperature: number | null;
  maxCost: number | null;
  maxRetries: number;
  allowRetired: boolean;
  sources: Record<GenerationKey, SettingSource>;
}

interface ResolveLayers {
  model: string;
  env?: NodeJS.ProcessEnv;
  file?: ConfigFile;
  pricing?: Pricing;
  /** How the config file is named in messages. */
  configLabel?: string;
  warn?: (message: string) => void;
}

function fromEnv(key: GenerationKey, env: NodeJS.ProcessEnv): unknown {
  const name = GENERATION_ENV[key];
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  let value: unknown = raw;
  if (key === "allow_retired") value = /^(1|true|yes)$/i.test(raw) ? true : /^(0|false|no)$/i.test(raw) ? false : raw;
  else if (key !== "thinking_level") value = Number.isFinite(Number(raw)) ? Number(raw) : raw;
  const parsed = generationFields[key].safeParse(value);
  if (!parsed.success)
    throw new CliError(
      "CONFIG_INVALID",
      `${name}: invalid value ${JSON.stringify(raw)} (${parsed.error.issues[0]?.message ?? "invalid"})`,
      { hint: `fix or unset ${name}; see docs/configuration.md` },
    );
  return parsed.data;
}

function fromFile(key: GenerationKey, file: ConfigFile): unknown {
  if (key === "max_retries") return file.retry?.max_retries;
  if (key === "allow_retired") return undefined;
  return (file as Record<string, unknown>)[key];
}

/**
 * Precedence for each setting: argument (flag > JSON key, merged before this) > env > config file >
 * default; thinking_level and thinking_budget are one setting, taken whole from the highest layer that
 * sets either. Then the values are checked against the model (see `checkGenerationSettings`).
 */
export function resolveGenerationSettings(input: GenerationInput, layers: ResolveLayers): GenerationSettings {
  const env = layers.env ?? {};
  const file = layers.file ?? {};
  const values: Partial<Record<GenerationKey, unknown>> = {};
  const sources = {} as Record<GenerationKey, SettingSource>;
  const layered: Array<[SettingSource, (key: GenerationKey) => unknown]> = [
    ["argument", (key) => input[key]],
    ["env", (key) => fromEnv(key, env)],
    ["config", (key) => fromFile(key, file)],
  ];
  for (const key of Object.keys(generationFields) as GenerationKey[]) {
    sources[key] = "default";
    if (key === "thinking_level" || key === "thinking_budget") continue;
    for (const [source, read] of layered) {
      const value = read(key);
      if (value !== undefined) {
        values[key] = value;
        sources[key] = source;
        break;
      }
    }
  }
  let thinking: ThinkingSetting | null = null;
  for (const [source, read] of layered) {
    const rawLevel = read("thinking_level") as string | undefined;
    const levelValue = rawLevel === undefined ? undefined : (rawLevel.trim().toUpperCase() as ThinkingLevel);
    const budgetValue = read("thinking_budget") as number | undefined;
    if (levelValue === undefined && budgetValue === undefined) continue;
    if (levelValue !== undefined && budgetValue !== undefined) {
      throw new CliError(
        "BAD_INPUT",
        `thinking_level: given together with thinking_budget (${where(source, "thinking_level", layers.configLabel)})`,
        { hint: "set one of them: thinking_level for 3.x models, thinking_budget for 2.5 models" },
      );
    }
    thinking = levelValue !== undefined ? { level: levelValue } : { budget: budgetValue! };
    sources[levelValue !== undefined ? "thinking_level" : "thinking_budget"] = source;
    break;
  }
  const settings: GenerationSettings = {
    model: layers.model,
    maxTokens: (values.max_tokens as number | undefined) ?? null,
    thinking,
    temperature: (values.temperature as number | undefined) ?? null,
    maxCost: (values.max_cost as number | undefined) ?? null,
    maxRetries: (values.max_retries as number | undefined) ?? defaultRetryPolicy.maxRetries,
    allowRetired: (values.allow_retired as boolean | undefined) ?? false,
    sources,
  };
  return checkGenerationSettings(settings, {
    pricing: layers.pricing ?? defaultPricing,
    ...(layers.configLabel ? { configLabel: layers.configLabel } : {}),
    ...(layers.warn ? { warn: layers.warn } : {}),
  });
}

function where(source: SettingSource, key: GenerationKey, configLabel = "gembatch.config.json"): string {
  return source === "env"
    ? `from ${GENERATION_ENV[key]}`
    : source === "config"
      ? `from ${configLabel}`
      : source === "default"
        ? "default"
        : "given";
}

function label(settings: GenerationSettings, key: GenerationKey, configLabel?: string): string {
  const source = settings.sources[key];
  return source === "argument" || source === "default" ? key : `${key} (${where(source, key, configLabel)})`;
}

/**
 * The model's limits applied: max_tokens within its output limit, the thinking control it takes with a
 * value it accepts, and temperature refused where Google deprecated sampling (dropped with a warning
 * when it came from env or config, which are not aimed at one model). A model without an entry passes
 * with a warning for settings that cannot be checked.
 */
function checkGenerationSettings(
  settings: GenerationSettings,
  options: { pricing?: Pricing; configLabel?: string; warn?(message: string): void } = {},
): GenerationSettings {
  const info = modelInfo(settings.model, options.pricing ?? defaultPricing);
  const name = (key: GenerationKey) => label(settings, key, options.configLabel);
  if (!info) {
    if (settings.thinking)
      options.warn?.(
        `${name(settings.thinking.level ? "thinking_level" : "thinking_budget")}: no thinking control is known for ${settings.model}; sent as given`,
      );
    return settings;
  }
  if (settings.maxTokens !== null && settings.maxTokens > info.output) {
    throw new CliError(
      "BAD_INPUT",
      `${name("max_tokens")}: ${settings.maxTokens} is above the output limit of ${settings.model} (${info.output})`,
      { hint: `use --max-tokens ${info.output} or less, or leave it out to size it from the files` },
    );
  }
  if (settings.thinking) checkThinking(settings, info, name);
  if (settings.temperature !== null && info.samplingDeprecated) {
    const message = `${name("temperature")}: Google deprecated sampling parameters (temperature, top_p, top_k) for ${settings.model}`;
    if (settings.sources.temperature === "argument")
      throw new CliError("BAD_INPUT", message, { hint: "leave temperature out for this model" });
    options.warn?.(`${message}; not sent`);
    return { ...settings, temperature: null };
  }
  return settings;
}

function checkThinking(
  settings: GenerationSettings,
  info: ModelInfo & { id: string },
  name: (key: GenerationKey) => string,
): void {
  const thinking = settings.thinking!;
  const control = info.thinking;
  if (control.kind === "none") {
    throw new CliError(
      "BAD_INPUT",
      `${name(thinking.level ? "thinking_level" : "thinking_budget")}: ${settings.model} does not think; it takes no thinking setting`,
      { hint: "leave thinking_level and thinking_budget out for this model" },
    );
  }
  if (thinking.level !== undefined) {
    if (control.kind === "budget")
      throw new CliError(
        "BAD_INPUT",
        `${name("thinking_level")}: ${settings.model} takes thinking_budget (a token count), not a level`,
        {
          hint: `use --thinking-budget (${control.canDisable ? "0 off, " : ""}-1 dynamic, ${control.min}-${control.max})`,
        },
      );
    if (!control.levels.includes(thinking.level))
      throw new CliError(
        "BAD_INPUT",
        `${name("thinking_level")}: ${settings.model} accepts ${control.levels.join(", ")}, not ${thinking.level}`,
        { hint: `use --thinking-level ${control.default} (its default) or another it accepts` },
      );
    return;
  }
  if (control.kind === "level")
    throw new CliError(
      "BAD_INPUT",
      `${name("thinking_budget")}: ${settings.model} takes thinking_level (${control.levels.join(", ")}), not a budget`,
      { hint: `use --thinking-level ${control.default}` },
    );
  const budget = thinking.budget;
  const ok = budget === -1 || (budget === 0 && control.canDisable) || (budget >= control.min && budget <= control.max);
  if (!ok)
    throw new CliError(
      "BAD_INPUT",
      `${name("thinking_budget")}: ${budget} is out of range for ${settings.model} (${control.canDisable ? "0 off, " : ""}-1 dynamic, or ${control.min}-${control.max})`,
      { hint: "pick a budget in the model's range" },
    );
}

/**
 * The same settings for another model (escalation): max_tokens capped at its limit, what it cannot take dropped, with
 * warnings.
 */
export function settingsForModel(
  settings: GenerationSettings,
  model: string,
  options: { pricing?: Pricing; warn?(message: string): void } = {},
): GenerationSettings {
  const pricing = options.pricing ?? defaultPricing;
  const info = modelInfo(model, pricing);
  let next: GenerationSettings = { ...settings, model };
  if (!info) return next;
  if (next.maxTokens !== null && next.maxTokens > info.output) {
    options.warn?.(`max_tokens: ${next.maxTokens} is above the output limit of ${model}; using ${info.output} for it`);
    next = { ...next, maxTokens: info.output };
  }
  if (next.thinking) {
    try {
      checkThinking(next, info, (key) => key);
    } catch (error) {
      options.warn?.(`${(error as Error).message}; ${model} uses its default thinking`);
      next = { ...next, thinking: null };
    }
  }
  if (next.temperature !== null && info.samplingDeprecated) {
    options.warn?.(`temperature: not sent to ${model} (Google deprecated sampling parameters for it)`);
    next = { ...next, temperature: null };
  }
  return next;
}

/** A command's settings from its merged input and context (env, config file, model, prices). */
export function settingsFromContext(
  input: GenerationInput,
  ctx: Pick<CommandContext, "config" | "env" | "warn">,
): GenerationSettings {
  return resolveGenerationSettings(input, {
    model: ctx.config.model,
    env: ctx.env,
    file: ctx.config.file,
    pricing: ctx.config.pricing,
    ...(ctx.config.configFile ? { configLabel: "gembatch.config.json" } : {}),
    warn: (message) => ctx.warn(message),
  });
}
