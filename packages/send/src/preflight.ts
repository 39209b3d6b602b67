import {
  CliError,
  estimateTokens,
  REPLY_MARGIN,
  resolveGenerationSettings,
  sizeMaxTokens,
  tooLargeFor,
  type GenerationSettings,
  type Pricing,
} from "@gembatch/core";
import type { PlannedFile } from "./inputs.js";
import type { NotSent, SendOptions } from "./types.js";

/** The settings a command resolved, else the loose options resolved and checked against the model here. */
export function settingsOf(
  options: SendOptions,
  pricing: Pricing | undefined,
  warn: (message: string) => void,
): GenerationSettings {
  if (options.settings) {
    if (options.settings.model !== options.model)
      throw new CliError("INTERNAL", `runSend: settings are for ${options.settings.model}, not ${options.model}`);
    return options.settings;
  }
  return resolveGenerationSettings(
    {
      max_tokens: options.maxTokens,
      temperature: options.temperature,
      thinking_level: options.thinking?.level,
      thinking_budget: options.thinking?.budget,
      max_cost: options.maxCost,
      allow_retired: options.allowRetired,
    },
    { model: options.model, ...(pricing ? { pricing } : {}), warn },
  );
}

/**
 * Before anything is sent: files whose whole fixed version cannot fit the model's output limit are set
 * aside (never sent twice for a certain truncation), and the reply limit is sized from the largest file left.
 */
export function preflight(
  files: PlannedFile[],
  settings: GenerationSettings,
  options: { pricing: Pricing; warn(message: string): void },
): { pending: PlannedFile[]; tooLarge: NotSent[]; maxTokens: number } {
  const pending: PlannedFile[] = [];
  const tooLarge: NotSent[] = [];
  for (const file of files) {
    const figures = tooLargeFor(estimateTokens(file.content), settings, options.pricing);
    if (!figures) {
      pending.push(file);
      continue;
    }
    tooLarge.push({ file_to_fix: file.file, reason: "too_large", too_large: figures });
    options.warn(
      `${file.file}: too large for one reply from ${settings.model}: ~${figures.file_tokens} tokens, so a whole fixed copy plus ${figures.thinking_headroom} thinking is ~${figures.estimated_output_tokens} output tokens, above its limit of ${figures.output_limit}; not sent (split the file, or lower the thinking level)`,
    );
  }
  const largest = Math.max(0, ...pending.map((file) => estimateTokens(file.content)));
  const maxTokens = sizeMaxTokens(settings, largest, options.pricing);
  if (settings.maxTokens !== null) {
    for (const file of pending) {
      const fileTokens = estimateTokens(file.content);
      if (Math.ceil(fileTokens * REPLY_MARGIN) > maxTokens)
        options.warn(
          `${file.file}: max_tokens ${maxTokens} is below the ~${fileTokens} tokens of the file itself; its reply will likely be cut off (leave max_tokens out to size it from the files)`,
        );
    }
  }
  return { pending, tooLarge, maxTokens };
}
