import { executeCommand, runProgram, type CommandDefinition, type Outcome } from "@gembatch/core";
import { captureIo, type IoOptions } from "./io.js";

export interface CommandRun<D = unknown> {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON, when it is JSON, typed as the caller says (`D`: the command's result type). */
  json: D;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `gembatch <name> …argv` in-process through the real program (commander, zod, render, exit code). */
export async function runCommand<D = unknown>(
  definition: CommandDefinition,
  argv: string[],
  io: IoOptions,
): Promise<CommandRun<D>> {
  const captured = captureIo(io);
  const code = await runProgram(
    {
      name: "gembatch",
      version: "0.0.0",
      description: "test",
      examples: [],
      commands: [{ name: definition.name, summary: definition.summary, load: () => Promise.resolve(definition) }],
    },
    [definition.name, ...argv],
    captured,
  );
  return { code, out: captured.out(), err: captured.err(), json: parseJson(captured.out()) as D };
}

export interface Invocation {
  positionals?: string[];
  flags?: Record<string, unknown>;
  json?: boolean;
  cwd: string;
}

/** What a command prints with `--json` when it fails (next to `success: false`). */
export interface ErrorDoc {
  error: { code: string; message: string; hint?: string; details: Record<string, unknown> };
}

/**
 * Run a command definition through the real harness (no argv parsing) with in-memory streams. `json` is the
 * `--json` document, typed as the caller says (`D`: the command's result type, with `ErrorDoc` where the test
 * expects a failure).
 */
export async function invoke<D = unknown>(
  definition: CommandDefinition,
  call: Invocation,
): Promise<Outcome & { stdout: string; stderr: string; json: D }> {
  const env = { ...process.env };
  delete env.GEMBATCH_MODEL;
  const io = captureIo({ cwd: call.cwd, env });
  const outcome = await executeCommand(
    definition,
    { positionals: call.positionals ?? [], flags: call.flags ?? {}, json: call.json },
    io,
  );
  const text = io.out();
  const isJson = call.json || (call.positionals?.[0]?.trimStart().startsWith("{") ?? false);
  return {
    ...outcome,
    stdout: text,
    stderr: io.err(),
    json: (isJson && text ? JSON.parse(text) : undefined) as D,
  };
}
