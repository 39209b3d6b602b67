import { systemClock, type Clock } from "../clock.js";
import { CliError } from "../errors.js";
import { apiFailure, classifyError, type ClassifiedError } from "./classify.js";

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wait after a 429 without RetryInfo. */
  rateLimitWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  rateLimitWaitMs: 180_000,
};

export interface RetryEvent {
  attempt: number;
  kind: ClassifiedError["kind"];
  status?: number;
  delayMs: number;
  serverDelay: boolean;
  message: string;
}

interface RetryOptions {
  policy?: Partial<RetryPolicy> | undefined;
  clock?: Clock;
  signal?: AbortSignal | undefined;
  random?: () => number;
  /** Called before each wait, e.g. to log a `rate_limited` event or draw a countdown. */
  onRetry?(event: RetryEvent): void | Promise<void>;
  /** Prefix for the final error message (the file or batch being worked on). */
  context?: string;
}

export interface RetryOutcome<T> {
  value: T;
  attempts: number;
  retries: RetryEvent[];
}

/** Exponential backoff with full jitter, bounded by maxDelayMs. */
export function backoffDelay(retryIndex: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Run `fn` until it succeeds or a failure is final. 429 waits the server's RetryInfo delay (else
 * rateLimitWaitMs); a per-day quota is final; 5xx, timeouts and resets back off; other 4xx fail at once.
 * Hand-written rather than p-retry because waits must come from the server and from an injectable clock.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<RetryOutcome<T>> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const retries: RetryEvent[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await fn(attempt);
      return { value, attempts: attempt, retries };
    } catch (error) {
      // Our own errors (no API key, bad input found mid-call) already say what is wrong.
      if (error instanceof CliError && error.code !== "INTERRUPTED") throw error;
      const classified = classifyError(error, { signal: options.signal });
      if (!classified.retryable || attempt > policy.maxRetries || options.signal?.aborted) {
        const failure = apiFailure(
          options.signal?.aborted ? { ...classified, kind: "interrupted" } : classified,
          options.context ?? "",
        );
        Object.assign(failure, { attempts: attempt, retries });
        throw failure;
      }
      const serverDelay = classified.retryDelayMs !== undefined;
      const delayMs =
        classified.kind === "rate_limit"
          ? (classified.retryDelayMs ?? policy.rateLimitWaitMs)
          : backoffDelay(attempt - 1, policy, random);
      const event: RetryEvent = {
        attempt,
        kind: classified.kind,
        delayMs,
        serverDelay,
        message: classified.message,
        ...(classified.status !== undefined ? { status: classified.status } : {}),
      };
      retries.push(event);
      await options.onRetry?.(event);
      await clock.sleep(delayMs, options.signal);
    }
  }
}
