import { CliError, modelLimits, type CommandContext } from "@gembatch/core";
import { sendDepsFromContext } from "@gembatch/send/cli";
import type { ApplyDeps } from "./types.js";

export const DEFAULT_MAX_TOKENS = 8192;
export const DEFAULT_VERIFY_TIMEOUT_S = 120;
export const DEFAULT_MAX_ATTEMPTS = 2;

/** What the library functions need from the command context: the client, limits, ledger, signal, output. */
export function depsFromContext(ctx: CommandContext): ApplyDeps {
  return sendDepsFromContext(ctx);
}

/** `verify` as given (a string or a list), else the config's, as a list; none only with skip_verify. */
export function verifyCommands(input: { verify?: string | string[] | undefined; skip_verify?: boolean | undefined }, ctx: CommandContext): string[] {
  if (input.skip_verify) {
    if (input.verify !== undefined) throw new CliError("BAD_INPUT", "skip_verify: given together with verify", { hint: "pass one of them" });
    return [];
  }
  if (input.verify === undefined) return ctx.config.verify;
  return Array.isArray(input.verify) ? input.verify : [input.verify];
}

/** Model, reply limit (checked against the model's own, as send checks it) and temperature. */
export function modelSettings(input: { max_tokens?: number | undefined; temperature?: number | undefined }, ctx: CommandContext) {
  const temperature = input.temperature ?? ctx.config.file.temperature;
  const model = ctx.config.model;
  const maxTokens = input.max_tokens ?? ctx.config.file.max_tokens ?? DEFAULT_MAX_TOKENS;
  const limit = modelLimits(model, ctx.config.pricing)?.output;
  if (limit !== undefined && maxTokens > limit) {
    throw new CliError("BAD_INPUT", `max_tokens: ${maxTokens} is above the output limit of ${model} (${limit})`, { hint: `use --max-tokens ${limit} or less` });
  }
  return {
    model,
    maxTokens,
    ...(temperature === undefined ? {} : { temperature }),
  };
}
