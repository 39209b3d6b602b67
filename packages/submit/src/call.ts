import {
  CliError,
  firstLine,
  parseGoogleErrorBody,
  withRetry,
  type RetryEvent,
  type RetryOutcome,
} from "@gembatch/core";
import type { SubmitDeps } from "./context.js";

/** What a failure keeps besides its one-line message: the HTTP status and Google's status name. */
interface FailureFields {
  code: string;
  message: string;
  kind: string;
  http_status?: number;
  google_status?: string;
  attempts: number;
}

interface CallOptions {
  /** `batch 3`, `batch 3 upload`: the prefix of the final message. */
  context: string;
  batch?: number;
  /** The step named in retry log events (`upload`, `lookup`, `create`, `status`). */
  step: string;
  onRetry?(event: RetryEvent): void;
}

function googleStatusOf(error: unknown): { http_status?: number; google_status?: string } {
  const status =
    typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : undefined;
  const body = error instanceof Error ? parseGoogleErrorBody(error.message) : undefined;
  const googleStatus = body?.error?.status;
  return {
    ...(status !== undefined ? { http_status: status } : {}),
    ...(googleStatus ? { google_status: googleStatus } : {}),
  };
}

/**
 * Every Batch and Files API call goes through here: the one retry policy (429 waits, backoff on 5xx,
 * resets and timeouts), a `retry`/`rate_limited` log event per wait, and on final failure a CliError
 * that also carries the HTTP status and Google's status name of the last answer.
 */
export async function callApi<T>(
  deps: Pick<SubmitDeps, "retryPolicy" | "clock" | "signal" | "events">,
  options: CallOptions,
  fn: () => Promise<T>,
): Promise<RetryOutcome<T>> {
  let last: unknown;
  try {
    return await withRetry(
      async () => {
        try {
          return await fn();
        } catch (error) {
          last = error;
          throw error;
        }
      },
      {
        policy: deps.retryPolicy,
        clock: deps.clock,
        signal: deps.signal,
        context: options.context,
        onRetry: (event) => {
          deps.events.event(event.kind === "rate_limit" ? "rate_limited" : "retry", {
            ...(options.batch !== undefined ? { batch: options.batch } : {}),
            data: { step: options.step, ...event },
          });
          options.onRetry?.(event);
        },
      },
    );
  } catch (error) {
    if (error instanceof CliError && last !== undefined && !(last instanceof CliError))
      Object.assign(error, googleStatusOf(last));
    throw error;
  }
}

/** A thrown error as the fields a failed batch, an outcome and a log event keep. */
export function failureFields(thrown: unknown): FailureFields {
  const error =
    thrown instanceof CliError
      ? thrown
      : new CliError(
          "API_ERROR",
          firstLine(thrown instanceof Error ? thrown.message : String(thrown)) || "unexpected error",
        );
  const extra = error as CliError & { http_status?: number; google_status?: string; attempts?: number };
  return {
    code: error.code,
    message: firstLine(error.message),
    kind: error.code,
    ...(extra.http_status !== undefined ? { http_status: extra.http_status } : {}),
    ...(extra.google_status !== undefined ? { google_status: extra.google_status } : {}),
    attempts: extra.attempts ?? 1,
  };
}
