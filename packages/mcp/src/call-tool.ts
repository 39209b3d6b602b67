import { Readable, Writable } from "node:stream";
import {
  CliError,
  executeCommand,
  firstLine,
  loadConfig,
  redactSecrets,
  toCliError,
  type CommandDefinition,
  type ProgressListener,
} from "@gembatch/core";
import { capCost } from "./cost-cap.js";
import { guardToolPaths } from "./path-guard.js";
import type { ToolSpec } from "./tools.js";

/** The MCP `tools/call` result: the command's JSON result, or a tool error with its code, message and hint. */
interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: "text"; text: string }>;
  structuredContent: Record<string, unknown>;
  isError?: boolean;
  _meta: { "gembatch/exit_code": number };
}

interface ToolCallIo {
  cwd: string;
  /** The project root the server was started in: no path argument may leave it. */
  root: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onProgress?: ProgressListener;
  /** The server's `--max-cost`: the most one call that spends money may spend (USD). */
  maxCost?: number;
  /** The server's log stream (stderr): the command's warnings and errors go here, never to stdout. */
  log(text: string): void;
}

const SUMMARY_LIMIT = 2000;

function sink(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });
}

function summary(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= SUMMARY_LIMIT
    ? trimmed
    : `${trimmed.slice(0, SUMMARY_LIMIT)}\n… (cut; the whole result is in structuredContent)`;
}

export function errorResult(thrown: unknown): ToolResult {
  const error = toCliError(thrown);
  const message = redactSecrets(firstLine(error.message));
  const hint = error.hint === undefined ? undefined : redactSecrets(error.hint);
  const payload = { ...error.toJSON(), message, ...(hint === undefined ? {} : { hint }) };
  return {
    content: [{ type: "text", text: `${error.code}: ${message}${hint ? `\nhint: ${hint}` : ""}` }],
    structuredContent: { success: false, error: payload },
    isError: true,
    _meta: { "gembatch/exit_code": error.exitCode },
  };
}

/** The config file's max_cost; a config that does not load is reported by the command itself. */
function configuredMaxCost(io: ToolCallIo): number | undefined {
  try {
    return loadConfig({ cwd: io.cwd, env: io.env }).file.max_cost;
  } catch {
    return undefined;
  }
}

/**
 * Run one command as a tool: the arguments go through the command's own schema and the same executor
 * as the CLI (config, validation, errors, exit code); the server's cancellation is the command's abort
 * signal, as Ctrl-C is on the command line, so the command saves its state and can be resumed.
 */
export async function callTool(
  spec: ToolSpec,
  definition: CommandDefinition,
  args: Record<string, unknown>,
  io: ToolCallIo,
): Promise<ToolResult> {
  try {
    guardToolPaths(spec, args, { cwd: io.cwd, root: io.root });
    args = capCost(spec, args, io.maxCost, io.maxCost === undefined ? undefined : configuredMaxCost(io));
  } catch (error) {
    return errorResult(error);
  }
  let text = "";
  // No isTTY on this stderr: progress bars are for terminals; an MCP client gets progress notifications.
  const stderr = sink((chunk) => io.log(chunk));
  const outcome = await executeCommand(
    { ...definition, name: spec.command.join(" ") },
    { positionals: [], flags: {}, input: args, json: false },
    {
      cwd: io.cwd,
      env: io.env,
      stdin: Readable.from([]),
      stdout: sink((chunk) => (text += chunk)),
      stderr,
      signal: io.signal,
      programName: `gembatch mcp ${spec.name}`,
      ...(io.onProgress ? { onProgress: io.onProgress } : {}),
    },
  );
  if (!outcome.result)
    return errorResult(outcome.error ?? new CliError("INTERNAL", "the command gave neither a result nor an error"));
  const structured = JSON.parse(redactSecrets(JSON.stringify(outcome.result))) as Record<string, unknown>;
  const status = outcome.exitCode === 0 ? "" : `exit ${outcome.exitCode}: `;
  return {
    // The JSON again as text, for clients that show only text content (the MCP spec's advice).
    content: [
      { type: "text", text: `${status}${summary(redactSecrets(text)) || spec.name}` },
      { type: "text", text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
    _meta: { "gembatch/exit_code": outcome.exitCode },
  };
}
