import { redactDeep, redactSecrets } from "./log/redact.js";

/** The one exit-code table. Every command and every package maps its outcome onto these. */
export const ExitCode = {
  OK: 0,
  ITEMS_FAILED: 1,
  BAD_INPUT: 2,
  API_ERROR: 3,
  BUDGET_EXCEEDED: 4,
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes; the exit code of each is fixed here and nowhere else. */
const ErrorCodes = {
  BAD_INPUT: ExitCode.BAD_INPUT,
  FILE_NOT_FOUND: ExitCode.BAD_INPUT,
  CONFIG_INVALID: ExitCode.BAD_INPUT,
  STATE_CORRUPT: ExitCode.BAD_INPUT,
  STATE_LOCKED: ExitCode.BAD_INPUT,
  PROJECT_LOCKED: ExitCode.BAD_INPUT,
  PATH_OUTSIDE_PROJECT: ExitCode.BAD_INPUT,
  MODEL_RETIRED: ExitCode.BAD_INPUT,
  API_ERROR: ExitCode.API_ERROR,
  API_AUTH: ExitCode.API_ERROR,
  API_QUOTA: ExitCode.API_ERROR,
  API_UNREACHABLE: ExitCode.API_ERROR,
  NO_API_KEY: ExitCode.API_ERROR,
  BUDGET_EXCEEDED: ExitCode.BUDGET_EXCEEDED,
  INTERRUPTED: ExitCode.INTERRUPTED,
  ITEMS_FAILED: ExitCode.ITEMS_FAILED,
  INTERNAL: ExitCode.ITEMS_FAILED,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

interface CliErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * A user-facing failure: one line of message, a stable code, an exit code from the table, and a hint.
 * Scrubbed of secrets when made, since messages end up in results, state files and reports (an API
 * error body may echo the key).
 */
export class CliError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: CliErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.code = code;
    this.exitCode = ErrorCodes[code];
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.details = options.details === undefined ? undefined : redactDeep(options.details);
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    ((error as { name?: unknown }).name === "AbortError" || (error instanceof CliError && error.code === "INTERRUPTED"))
  );
}

function interrupted(message = "interrupted; state saved, safe to resume"): CliError {
  return new CliError("INTERRUPTED", message, { hint: "run the same command again (with --resume where it has one)" });
}

/** Turn anything thrown into a CliError without leaking a stack trace to the user. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (isAbortError(error)) return interrupted();
  // The CliError constructor scrubs the message.
  const message = error instanceof Error ? error.message : String(error);
  return new CliError("INTERNAL", firstLine(message) || "unexpected error", {
    cause: error,
    hint: "run again with GEMBATCH_DEBUG=1 to see the stack trace",
  });
}

export function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
