import { systemClock, type Clock } from "../clock.js";

interface RateLimiterOptions {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  concurrency?: number;
  clock?: Clock;
  windowMs?: number;
  /**
   * Extra width added to the window: requests reach the server later than we send them, by a varying
   * amount, so a window of exactly one minute at our end could hold N+1 arrivals at the server's.
   */
  marginMs?: number;
}

interface Permit {
  /** Correct the token count once the real prompt size is known. */
  setTokens(tokens: number): void;
}

export interface RateLimiter {
  schedule<T>(tokens: number, fn: (permit: Permit) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Requests and tokens sent inside the current window, for progress displays and tests. */
  usage(): { requests: number; tokens: number; active: number; queued: number };
}

interface Sent {
  at: number;
  tokens: number;
}

/**
 * A sliding-window limiter over requests/minute and tokens/minute plus a concurrency cap, so a run
 * configured at the quota stays under it. Written here rather than taken from p-queue because it must
 * weigh requests by tokens and run on an injectable clock.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const windowMs = (options.windowMs ?? 60_000) + (options.marginMs ?? 500);
  const rpm = options.requestsPerMinute ?? Infinity;
  const tpm = options.tokensPerMinute ?? Infinity;
  const concurrency = options.concurrency ?? Infinity;
  const sent: Sent[] = [];
  let active = 0;
  let queued = 0;
  const slotWaiters: Array<() => void> = [];
  let gate: Promise<void> = Promise.resolve();

  function prune(now: number): void {
    while (sent.length > 0 && sent[0]!.at <= now - windowMs) sent.shift();
  }

  function waitNeeded(tokens: number, now: number): number {
    prune(now);
    let wait = 0;
    if (sent.length >= rpm) wait = Math.max(wait, sent[sent.length - rpm]!.at + windowMs - now);
    if (tpm !== Infinity) {
      let total = sent.reduce((sum, s) => sum + s.tokens, 0);
      // A request larger than the whole budget waits for an empty window rather than forever.
      const budget = Math.min(tokens, tpm);
      for (let i = 0; i < sent.length && total + budget > tpm; i++) {
        total -= sent[i]!.tokens;
        wait = Math.max(wait, sent[i]!.at + windowMs - now);
      }
    }
    return Math.max(0, wait);
  }

  async function takeSlot(signal?: AbortSignal): Promise<void> {
    if (active < concurrency) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = () => {
        signal?.removeEventListener("abort", onAbort);
        active += 1;
        resolve();
      };
      const onAbort = () => {
        slotWaiters.splice(slotWaiters.indexOf(waiter), 1);
        reject(signal?.reason ?? new DOMException("This operation was aborted", "AbortError"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      slotWaiters.push(waiter);
    });
  }

  function freeSlot(): void {
    active -= 1;
    slotWaiters.shift()?.();
  }

  async function admit(tokens: number, signal?: AbortSignal): Promise<Sent> {
    const previous = gate;
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await previous;
      for (;;) {
        if (signal?.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
        const wait = waitNeeded(tokens, clock.now());
        if (wait === 0) break;
        await clock.sleep(wait, signal);
      }
      const entry = { at: clock.now(), tokens };
      sent.push(entry);
      return entry;
    } finally {
      open();
    }
  }

  return {
    async schedule(tokens, fn, signal) {
      queued += 1;
      try {
        await takeSlot(signal);
      } finally {
        queued -= 1;
      }
      try {
        const entry = await admit(tokens, signal);
        return await fn({ setTokens: (n) => void (entry.tokens = n) });
      } finally {
        freeSlot();
      }
    },
    usage() {
      prune(clock.now());
      return { requests: sent.length, tokens: sent.reduce((s, e) => s + e.tokens, 0), active, queued };
    },
  };
}
