import { setMaxListeners } from "node:events";
import { loadConfig } from "../config/load.js";
import { systemClock, type Clock } from "../clock.js";
import { CliError, ExitCode, firstLine, isAbortError, toCliError, type ExitCodeValue } from "../errors.js";
import { redactSecrets } from "../log/redact.js";
import type { ProgressListener } from "../progress.js";
import { escapeForTerminal } from "../safety/text.js";
import type { CommandContext, CommandDefinition, CommandResult, OptionSpec } from "./define-command.js";
import { looksLikeJsonArgument, readJsonArgument } from "./json-arg.js";
import { parseOrThrow } from "./validation.js";

interface RawInvocation {
  positionals: string[];
  /** Option values the user actually gave, keyed by option spec key. */
  flags: Record<string, unknown>;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  configFile?: string | undefined;
  /** The whole input as an object already parsed (an MCP tool call's arguments), instead of positionals and flags. */
  input?: Record<string, unknown>;
}

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  signal?: AbortSignal;
  clock?: Clock;
  programName?: string;
  /** Where long work reports its steps besides a terminal bar (the MCP server's progress notifications). */
  onProgress?: ProgressListener;
}

function convertFlag(option: OptionSpec, value: unknown): unknown {
  if (option.type === "number" && typeof value === "string") {
    const number = Number(value);
    return value.trim() !== "" && Number.isFinite(number) ? number : value;
  }
  if (option.type === "boolean" && option.negate) return value === false ? false : value;
  return value;
}

/** Merge the JSON argument (if any), positionals and flags into one object for the schema. */
export async function assembleInput(
  definition: CommandDefinition,
  raw: RawInvocation,
  io: Pick<Io, "cwd" | "stdin">,
): Promise<{ input: Record<string, unknown>; fromJson: boolean }> {
  if (raw.input) return { input: { ...raw.input }, fromJson: false };
  let input: Record<string, unknown> = {};
  let positionals = raw.positionals;
  const fromJson = looksLikeJsonArgument(positionals[0]);
  if (fromJson) {
    input = await readJsonArgument(positionals[0]!, io);
    positionals = positionals.slice(1);
    for (const option of definition.options) {
      for (const alias of option.aliases ?? []) {
        if (!(alias in input)) continue;
        if (!(option.key in input)) input[option.key] = input[alias];
        delete input[alias];
      }
    }
  }
  const specs = definition.positionals ?? [];
  const subcommands = (definition.subcommands ?? []).map((sub) => sub.name);
  // A word where a command with subcommands expects a number is a mistyped subcommand, not a bad value.
  if (
    !fromJson &&
    subcommands.length > 0 &&
    /^[a-z][\w-]*$/i.test(positionals[0] ?? "") &&
    specs[0]?.type !== "string"
  ) {
    const { suggestName } = await import("./suggest.js");
    const guess = suggestName(positionals[0]!, subcommands);
    throw new CliError(
      "BAD_INPUT",
      `unknown command "${definition.name} ${positionals[0]}"${guess ? ` (did you mean "${definition.name} ${guess}"?)` : ""}`,
      {
        hint: `${definition.name}'s commands are ${subcommands.join(", ")}; see gembatch ${definition.name} --help`,
      },
    );
  }
  if (fromJson && positionals.length > 0) {
    throw new CliError("BAD_INPUT", `unexpected argument "${positionals[0]}" after the JSON argument`, {
      hint: "put every value inside the JSON object, or use flags only",
    });
  }
  for (let i = 0; i < specs.length && i < positionals.length; i++) {
    const spec = specs[i]!;
    const values = spec.variadic ? positionals.slice(i) : [positionals[i]!];
    const typed = values.map((v) =>
      spec.type === "number" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v,
    );
    input[spec.key] = spec.variadic ? typed : typed[0];
  }
  const extra = specs.some((s) => s.variadic) ? [] : positionals.slice(specs.length);
  if (extra.length > 0) {
    throw new CliError("BAD_INPUT", `unexpected argument "${extra[0]}"`, { hint: `see ${definition.name} --help` });
  }
  for (const option of definition.options) {
    if (option.key in raw.flags) input[option.key] = convertFlag(option, raw.flags[option.key]);
  }
  return { input, fromJson };
}

function createContext(
  definition: CommandDefinition,
  io: Io,
  json: boolean,
  quiet: boolean,
  config: CommandContext["config"],
): CommandContext {
  const warnings: string[] = [];
  // Every concurrent request listens on the one run signal; that is expected, not a leak.
  if (io.signal) setMaxListeners(0, io.signal);
  const interactive = Boolean(io.stderr.isTTY) && !io.env.CI && io.env.TERM !== "dumb";
  return {
    cwd: io.cwd,
    env: io.env,
    config,
    signal: io.signal ?? new AbortController().signal,
    clock: io.clock ?? systemClock,
    stdin: io.stdin,
    stderr: io.stderr,
    json,
    interactive,
    quiet,
    warnings,
    commandName: definition.name,
    ...(io.onProgress ? { onProgress: io.onProgress } : {}),
    warn(message) {
      const clean = redactSecrets(message);
      // Library steps run per rule or per attempt and may repeat one warning (a retiring model): say it once.
      if (warnings.includes(clean)) return;
      warnings.push(clean);
      io.stderr.write(`warning: ${escapeForTerminal(clean)}\n`);
    },
    info(message) {
      if (!quiet) io.stderr.write(`${escapeForTerminal(redactSecrets(message))}\n`);
    },
  };
}

export interface Outcome {
  exitCode: ExitCodeValue;
  result?: CommandResult;
  error?: CliError;
}

/** Parse, validate, run and render one command. Never throws; never exits. */
export async function executeCommand(definition: CommandDefinition, raw: RawInvocation, io: Io): Promise<Outcome> {
  let json = Boolean(raw.json) || looksLikeJsonArgument(raw.positionals[0]);
  let jsonLines = false;
  const quiet = Boolean(raw.quiet);
  try {
    const { input, fromJson } = await assembleInput(definition, raw, io);
    json ||= fromJson;
    const overrides: { model?: string; base_url?: string } = {};
    for (const key of definition.configOverrides ?? []) {
      if (typeof input[key] === "string") overrides[key] = input[key];
    }
    const knownKeys = [...definition.options.map((o) => o.key), ...(definition.positionals ?? []).map((p) => p.key)];
    const parsed = parseOrThrow(definition.schema, input, {
      knownKeys,
      hint: `see gembatch ${definition.name} --help`,
    });
    jsonLines = Boolean(definition.jsonLines && definition.wantsJsonLines?.(parsed));
    json ||= jsonLines;
    let config: CommandContext["config"];
    let configError: CliError | undefined;
    try {
      config = loadConfig({ cwd: io.cwd, env: io.env, configFile: raw.configFile, overrides });
    } catch (error) {
      if (!definition.tolerateBadConfig || !(error instanceof CliError)) throw error;
      configError = error;
      config = loadConfig({ cwd: io.cwd, env: io.env, configFile: raw.configFile, overrides, ignoreFile: true });
    }
    const ctx = createContext(definition, io, json, quiet, config);
    if (configError)
      ctx.configError = {
        code: configError.code,
        message: configError.message,
        ...(configError.hint ? { hint: configError.hint } : {}),
      };
    const result = await definition.run(parsed, ctx);
    if (ctx.warnings.length > 0) result.warnings = [...new Set([...(result.warnings ?? []), ...ctx.warnings])];
    const exitCode = definition.exitCode?.(result) ?? (result.success ? ExitCode.OK : ExitCode.ITEMS_FAILED);
    if (jsonLines) {
      for (const item of definition.jsonLines!(result)) io.stdout.write(`${redactSecrets(JSON.stringify(item))}\n`);
    } else if (json) io.stdout.write(`${redactSecrets(JSON.stringify(result, null, 2))}\n`);
    else {
      const text = definition.renderText(result, ctx);
      if (text) io.stdout.write(`${redactSecrets(text.replace(/\n+$/, ""))}\n`);
    }
    return { exitCode, result };
  } catch (thrown) {
    const aborted = io.signal?.aborted && isAbortError(thrown);
    const error = aborted
      ? toCliError(new CliError("INTERRUPTED", "interrupted; state saved, safe to resume"))
      : toCliError(thrown);
    const message = redactSecrets(firstLine(error.message));
    const payload = { success: false, error: { ...error.toJSON(), message } };
    if (json)
      io.stdout.write(`${redactSecrets(jsonLines ? JSON.stringify(payload) : JSON.stringify(payload, null, 2))}\n`);
    const prefix = io.programName ? `${io.programName}: ` : "";
    // Messages quote paths and replies: shown on a terminal, their control characters are made visible.
    io.stderr.write(`${prefix}error: ${escapeForTerminal(message)}\n`);
    if (error.hint && !json) io.stderr.write(`hint: ${escapeForTerminal(redactSecrets(error.hint))}\n`);
    if (io.env.GEMBATCH_DEBUG && error.cause instanceof Error && error.cause.stack)
      io.stderr.write(`${redactSecrets(error.cause.stack)}\n`);
    return { exitCode: error.exitCode, error };
  }
}
