import type { Command } from "commander";

import type { EmulatorOptions } from "./config.js";
import type { Emulator } from "./server.js";

/** Raw option values as commander hands them over. */
export interface EmulatorCliOptions {
  port: string;
  host: string;
  apiKey?: string;
  anyKey?: boolean;
  script?: string;
  faults?: string;
  quota?: string;
  timeScale?: string;
  seed?: string;
  options?: string;
  json?: boolean;
}

export interface EmulatorCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the server should stop; default: on SIGINT or SIGTERM. */
  waitForStop(): Promise<void>;
  /** Called with the exit code once the command is done. */
  setExitCode(code: number): void;
}

const EXAMPLES = `
Examples:
  $ gembatch emulator --port 0
  $ gembatch emulator --script replies.json --faults faults.json --quota quota.json
  $ gembatch emulator --script '[{"match":{"text":"hello"},"reply":{"text":"hi"}}]' --json
  $ gembatch emulator --quota '{"rpm":10,"rpd":100}' --time-scale 60
  $ gembatch emulator --options '{"batch":{"pendingMs":500,"runningMs":2000}}'

The first line on stdout is the URL (or {"url":…,"port":…} with --json); point the SDK at it with
httpOptions.baseUrl. The server runs until SIGINT or SIGTERM. See the package README for the
script, fault and quota formats.`;

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

const DEFAULT_IO: EmulatorCliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  waitForStop: waitForSignal,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag}: not a number: ${value}`);
  return n;
}

/** Builds `startEmulator` options from the flags: flags win over the same fields given in `--options`. */
export async function toEmulatorOptions(opts: EmulatorCliOptions, env: NodeJS.ProcessEnv): Promise<EmulatorOptions> {
  const { loadJsonSource } = await import("./config.js");
  const base = (opts.options === undefined ? {} : loadJsonSource(opts.options, "options")) as EmulatorOptions;
  if (base === null || typeof base !== "object" || Array.isArray(base))
    throw new UsageError("options: must be a JSON object");
  const apiKey = opts.anyKey ? undefined : (opts.apiKey ?? env.GEMINI_API_KEY ?? base.apiKey);
  const timeScale = number(opts.timeScale, "--time-scale");
  const seed = number(opts.seed, "--seed");
  const { apiKey: _ignored, ...rest } = base;
  return {
    ...rest,
    port: number(opts.port, "--port") ?? 0,
    host: opts.host,
    ...(apiKey !== undefined && apiKey !== "" ? { apiKey } : {}),
    ...(opts.script !== undefined ? { script: opts.script } : {}),
    ...(opts.faults !== undefined ? { faults: opts.faults } : {}),
    ...(opts.quota !== undefined ? { quotas: opts.quota } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}

function describeFailure(error: unknown): { message: string; code: number } {
  const err = error as NodeJS.ErrnoException;
  if (err?.name === "EmulatorConfigError" || error instanceof UsageError) return { message: err.message, code: 2 };
  if (err?.code === "EADDRINUSE") return { message: `cannot listen: address in use (${err.message})`, code: 2 };
  return { message: err instanceof Error ? err.message : String(error), code: 1 };
}

export async function runEmulatorCommand(opts: EmulatorCliOptions, io: EmulatorCliIo = DEFAULT_IO): Promise<void> {
  let emulator: Emulator;
  try {
    const options = await toEmulatorOptions(opts, process.env);
    const { startEmulator } = await import("./server.js");
    emulator = await startEmulator(options);
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr(`gembatch emulator: ${failure.message}\n`);
    io.setExitCode(failure.code);
    return;
  }
  // Listen for the stop signal before announcing the URL: a caller may signal as soon as it reads it.
  const stopped = io.waitForStop();
  io.stdout(opts.json ? `${JSON.stringify({ url: emulator.url, port: emulator.port })}\n` : `${emulator.url}\n`);
  await stopped;
  await emulator.close();
  io.setExitCode(0);
}

/** Adds the emulator's options and action to `command` (a subcommand, or a bin's root program). */
export function configureEmulatorCommand(command: Command, io?: EmulatorCliIo): Command {
  return command
    .description("Run a local Gemini API server that speaks the @google/genai wire protocol")
    .option("--port <port>", "port to listen on (0 picks a free one)", "0")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--api-key <key>", "the accepted x-goog-api-key (default: $GEMINI_API_KEY; unset: any non-empty key)")
    .option("--any-key", "accept any non-empty key even when GEMINI_API_KEY is set")
    .option("--script <file|json>", "scripted replies: a JSON file or inline JSON")
    .option("--faults <file|json>", "fault rules: a JSON file or inline JSON")
    .option("--quota <file|json>", "quotas to enforce: a JSON file or inline JSON")
    .option("--time-scale <n>", "emulated ms per real ms (60: a minute passes in a second)")
    .option("--seed <n>", "seed for probabilistic faults")
    .option("--options <file|json>", "any other startEmulator options (batch timings, models, …)")
    .option("--json", 'print {"url":…,"port":…} instead of the bare URL')
    .addHelpText("after", EXAMPLES)
    .action((opts: EmulatorCliOptions) => runEmulatorCommand(opts, io));
}

/** Registers `emulator` on the umbrella `gembatch` program. */
export function registerEmulatorCommand(program: Command): Command {
  return configureEmulatorCommand(program.command("emulator"));
}

/** A bad flag value: reported in one line with exit code 2. */
class UsageError extends Error {}
