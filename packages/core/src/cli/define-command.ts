import type { z } from "zod";
import type { Clock } from "../clock.js";
import type { ResolvedConfig } from "../config/load.js";
import type { ExitCodeValue } from "../errors.js";
import type { ProgressListener } from "../progress.js";

type OptionType = "string" | "number" | "boolean" | "string[]";

export interface OptionSpec<K extends string = string> {
  /** snake_case key in the command's schema and JSON argument; the flag is its kebab-case. */
  key: K;
  type: OptionType;
  description: string;
  short?: string;
  /** For booleans that default to true: the flag is `--no-<key>` and sets the key to false. */
  negate?: boolean;
  valueName?: string;
  /** Former names, still accepted as flags and JSON keys but not shown in --help (docs/commands.md#flag-vocabulary). */
  aliases?: string[];
}

interface PositionalSpec {
  key: string;
  description: string;
  variadic?: boolean;
  /** Positionals may also arrive inside a JSON argument, so they are never required by commander. */
  type?: "string" | "number";
}

export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config: ResolvedConfig;
  signal: AbortSignal;
  clock: Clock;
  stdin: NodeJS.ReadableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** stdout carries exactly one JSON document in this mode. */
  json: boolean;
  /** Progress bars and countdowns are drawn only when true (stderr is a TTY and not CI). */
  interactive: boolean;
  quiet: boolean;
  warn(message: string): void;
  info(message: string): void;
  readonly warnings: readonly string[];
  /** Told each step of long work (an MCP client's progress notifications); progress bars stay TTY-only. */
  onProgress?: ProgressListener;
  /** The command's name as typed (`submit status`), for logs and ledgers. */
  commandName: string;
  /** Set instead of failing when the definition tolerates a bad config (doctor reports it). */
  configError?: { code: string; message: string; hint?: string };
}

export interface CommandResult {
  success: boolean;
  warnings?: string[];
}

export interface CommandDefinition<I = unknown, R extends CommandResult = CommandResult> {
  name: string;
  summary: string;
  description?: string;
  positionals?: PositionalSpec[];
  options: OptionSpec[];
  examples: string[];
  schema: z.ZodType<I>;
  run(input: I, ctx: CommandContext): Promise<R>;
  renderText(result: R, ctx: CommandContext): string;
  exitCode?(result: R): ExitCodeValue;
  subcommands?: CommandDefinition[];
  /** Keys of the config overrides this command accepts (model, base_url) read before the config is loaded. */
  configOverrides?: Array<"model" | "base_url">;
  /** Run with default settings and `ctx.configError` set when the config file is invalid. */
  tolerateBadConfig?: boolean;
  /**
   * For results too large for one document: when this says so for the parsed input, stdout gets
   * JSON Lines (each item of `jsonLines(result)` on one line) instead of the document or the text.
   */
  wantsJsonLines?(input: I): boolean;
  jsonLines?(result: R): Iterable<unknown>;
}

/** The schema's own keys: an option whose key is not one of them does not type-check. */
type SchemaKey<S extends z.ZodType> = Extract<keyof NonNullable<z.input<S>>, string>;

/** Identity helper so definitions, and their flags, are type-checked against their own schema. */
export function defineCommand<S extends z.ZodType, R extends CommandResult>(
  definition: Omit<CommandDefinition<z.output<S>, R>, "schema" | "options"> & {
    schema: S;
    options: Array<OptionSpec<SchemaKey<S>>>;
  },
): CommandDefinition<z.output<S>, R> {
  return definition as CommandDefinition<z.output<S>, R>;
}

export function flagName(option: Pick<OptionSpec, "key" | "negate">): string {
  const kebab = option.key.replace(/_/g, "-");
  return option.negate ? `--no-${kebab}` : `--${kebab}`;
}
