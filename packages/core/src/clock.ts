import { setTimeout as delay } from "node:timers/promises";

/** Time as the code sees it; tests inject a manual clock so no test waits for real. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) return;
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};

interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Total time slept through, for assertions on honoured delays. */
  readonly slept: number[];
}

/**
 * A clock whose sleeps resolve as soon as they are scheduled, moving time forward by the slept amount.
 * Concurrent sleepers see time advance in the order they went to sleep, which is enough for
 * rate-limit and retry logic that only needs "at least this long has passed".
 */
export function createManualClock(start = Date.UTC(2026, 10, 21, 12, 0, 0)): ManualClock {
  let current = start;
  const slept: number[] = [];
  return {
    now: () => current,
    slept,
    advance(ms: number) {
      current += ms;
    },
    async sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
      slept.push(ms);
      if (ms > 0) current += ms;
      await Promise.resolve();
    },
  };
}

/** Parse a Google duration string ("37s", "1.5s", "250ms") to milliseconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  return Math.round(amount * factor);
}

/** Local time as YYYYMMDD_HHMMSS, the seeds' run-directory stamp. */
export function localStamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}
