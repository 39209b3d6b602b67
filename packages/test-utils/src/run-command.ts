import { executeCommand, runProgram, type CommandDefinition, type Outcome } from "@gembatch/core";
import { captureIo, type IoOptions } from "./io.js";

export interface CommandRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON, when it is JSON. */
  json: any;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `gembatch <name> …argv` in-process through the real program (commander, zod, render, exit code). */
export async function runCommand(definition: CommandDefinition, argv: string[], io: IoOptions): Promise<CommandRun> {
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
  return { code, out: captured.out(), err: captured.err(), json: parseJson(captured.out()) };
}

export interface Invocation {
  positionals?: string[];
  flags?: Record<string, unknown>;
  json?: boolean;
  cwd: string;
}

/** Run a command definition through the real harness (no argv parsing) with in-memory streams. */
export async function invoke(
  definition: CommandDefinition,
  call: Invocation,
): Promise<Outcome & { stdout: string; stderr: string; json?: any }> {
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
    ...(isJson && text ? { json: JSON.parse(text) } : {}),
  };
}
