import type { OptionSpec } from "../cli/define-command.js";
import { defaultRetryPolicy } from "../retry/retry.js";
import { DEFAULT_MAX_TOKENS } from "./reply-size.js";
import type { GenerationKey } from "./settings.js";

const GENERATION_OPTION_SPECS: Record<GenerationKey, OptionSpec<GenerationKey>> = {
  max_tokens: {
    key: "max_tokens",
    type: "number",
    description: `output token limit per reply (default: sized from the largest file plus thinking, at least ${DEFAULT_MAX_TOKENS}, at most the model's limit)`,
  },
  thinking_level: {
    key: "thinking_level",
    type: "string",
    valueName: "level",
    description:
      "thinking level for 3.x models: MINIMAL, LOW, MEDIUM or HIGH, as the model accepts (default: the model's)",
  },
  thinking_budget: {
    key: "thinking_budget",
    type: "number",
    valueName: "tokens",
    description:
      "thinking budget for 2.5 models: -1 dynamic, 0 off (Flash, Flash-Lite) or a token count (default: the model's)",
  },
  temperature: {
    key: "temperature",
    type: "number",
    description: "sampling temperature (default: the model's; refused for models where Google deprecated it)",
  },
  max_cost: {
    key: "max_cost",
    type: "number",
    valueName: "usd",
    description: "stop before the request that would push the spend past this many USD (exit 4)",
  },
  max_retries: {
    key: "max_retries",
    type: "number",
    description: `API retries per request (default ${defaultRetryPolicy.maxRetries})`,
  },
  allow_retired: {
    key: "allow_retired",
    type: "boolean",
    description: "send to a model past its shutdown date anyway (default: refused, exit 2)",
  },
};

/** The flags of the generation settings a command takes, in one spelling for every command. */
export function generationOptions<K extends GenerationKey>(
  keys: readonly K[] = Object.keys(GENERATION_OPTION_SPECS) as K[],
): Array<OptionSpec<K>> {
  return keys.map((key) => GENERATION_OPTION_SPECS[key] as OptionSpec<K>);
}
