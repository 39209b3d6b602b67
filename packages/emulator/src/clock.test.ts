import { describe, expect, it } from "vitest";

import { createManualClock, createScaledClock, resolveClock, sleep, toTimestamp } from "./clock.js";

describe("clocks", () => {
  it("a manual clock fires due timers in order when advanced", () => {
    const clock = createManualClock({ startTime: 0 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b"), 200);
    clock.setTimeout(() => fired.push("a"), 100);
    const cancelled = clock.setTimeout(() => fired.push("never"), 150);
    clock.clearTimeout(cancelled);
    clock.advance(150);
    expect(fired).toEqual(["a"]);
    clock.advance(50);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.now()).toBe(200);
  });

  it("a scaled clock runs emulated time faster and shortens waits", async () => {
    const clock = createScaledClock({ timeScale: 1000, startTime: "2026-01-01T00:00:00Z" });
    const start = clock.now();
    const realStart = performance.now();
    await sleep(clock, 60_000);
    expect(performance.now() - realStart).toBeLessThan(1000);
    expect(clock.now() - start).toBeGreaterThanOrEqual(59_000);
  });

  it("an injected now() gets real timers scaled by timeScale", async () => {
    let t = 5;
    const clock = resolveClock({ now: () => t }, { timeScale: 100 });
    t = 7;
    expect(clock.now()).toBe(7);
    const realStart = performance.now();
    await sleep(clock, 1000);
    expect(performance.now() - realStart).toBeLessThan(500);
  });

  it("formats timestamps with microseconds, as Google does", () => {
    expect(toTimestamp(Date.parse("2025-01-01T00:00:00.123Z"))).toBe("2025-01-01T00:00:00.123000Z");
  });

  it("refuses a non-positive time scale", () => {
    expect(() => createScaledClock({ timeScale: 0 })).toThrow(/timeScale/);
  });
});
