import {
  CliError,
  settingsFromContext,
  type CommandContext,
  type GenerationInput,
  type GenerationSettings,
} from "@gembatch/core";
import { sendDepsFromContext } from "@gembatch/send/cli";
import type { ApplyDeps } from "./types.js";

export const DEFAULT_VERIFY_TIMEOUT_S = 120;
export const DEFAULT_MAX_ATTEMPTS = 2;

/** What the library functions need from the command context: the client, limits, ledger, signal, output. */
export function depsFromContext(ctx: CommandContext, settings?: GenerationSettings): ApplyDeps {
  return sendDepsFromContext(ctx, settings);
}

/** `verify` as given (a string or a list), else the config's, as a list; none only with skip_verify. */
export function verifyCommands(
  input: { verify?: string | string[] | undefined; skip_verify?: boolean | undefined },
  ctx: CommandContext,
): string[] {
  if (input.skip_verify) {
    if (input.verify !== undefined)
      throw new CliError("BAD_INPUT", "skip_verify: given together with verify", { hint: "pass one of them" });
    return [];
  }
  if (input.verify === undefined) return ctx.config.verify;
  return Array.isArray(input.verify) ? input.verify : [input.verify];
}

/** The generation settings, resolved in core as for every command (precedence, then the model's limits). */
export function modelSettings(input: GenerationInput, ctx: CommandContext): GenerationSettings {
  return settingsFromContext(input, ctx);
}
