import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createManualClock } from "../clock.js";
import { createRateLimiter } from "./rate-limiter.js";

/** A server that enforces N requests per sliding window on arrival time, answering 429 past it. */
async function quotaServer(limit: number, windowMs: number) {
  const arrivals: number[] = [];
  let rejected = 0;
  const server = http.createServer((req, res) => {
    const now = performance.now();
    while (arrivals.length > 0 && arrivals[0]! <= now - windowMs) arrivals.shift();
    if (arrivals.length >= limit) {
      rejected += 1;
      res.writeHead(429).end();
      return;
    }
    arrivals.push(now);
    // Varying latency, as a real server has.
    setTimeout(() => res.writeHead(200).end("ok"), Math.random() * 30);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, rejected: () => rejected };
}

describe("rate limiter", () => {
  it("keeps a run configured at the quota under a server that enforces it: zero 429s", async () => {
    // A window long against the event-loop delays of a loaded machine: the margin must cover the
    // time between the limiter's start of a request and its arrival at the server.
    const server = await quotaServer(5, 1000);
    const limiter = createRateLimiter({ requestsPerMinute: 5, windowMs: 1000, marginMs: 400, concurrency: 8 });
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => limiter.schedule(1, async () => (await fetch(server.url)).status)),
    );
    const elapsed = performance.now() - started;
    expect(server.rejected()).toBe(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // 20 requests at 5 per window need at least three full windows after the first burst.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 1000);
  });

  it("the same run without the limiter does hit the server's quota (the test can fail)", async () => {
    const server = await quotaServer(5, 1000);
    await Promise.all(Array.from({ length: 20 }, () => fetch(server.url).then((r) => r.status)));
    expect(server.rejected()).toBeGreaterThan(0);
  });

  it("weighs requests by tokens per minute on an injected clock", async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ tokensPerMinute: 1000, clock, marginMs: 0 });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) await limiter.schedule(400, () => Promise.resolve(void times.push(clock.now())));
    // Two 400-token requests fit in a minute; the third waits for the first to leave the window.
    expect(times).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it("lets a request larger than the whole budget through alone instead of waiting forever", async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ tokensPerMinute: 100, clock, marginMs: 0 });
    await limiter.schedule(50, () => Promise.resolve());
    const at: number[] = [];
    await limiter.schedule(5000, () => Promise.resolve(void at.push(clock.now())));
    expect(at).toEqual([60_000]);
  });

  it("caps concurrency", async () => {
    const limiter = createRateLimiter({ concurrency: 3 });
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.schedule(0, async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 5));
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it("releases a queued slot when its caller is interrupted", async () => {
    const limiter = createRateLimiter({ concurrency: 1 });
    let release!: () => void;
    const first = limiter.schedule(0, () => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const second = limiter.schedule(0, () => Promise.resolve("never"), controller.signal);
    controller.abort();
    await expect(second).rejects.toBeDefined();
    release();
    await first;
    await expect(limiter.schedule(0, () => Promise.resolve("third"))).resolves.toBe("third");
  });
});
