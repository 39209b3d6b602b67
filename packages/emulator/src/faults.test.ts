import { describe, expect, it } from "vitest";

import { createFaultEngine, parseFaults, seededRandom } from "./faults.js";

describe("fault engine", () => {
  it("walks a sequence once per matching request, and repeats it when asked", () => {
    const { rules } = parseFaults([
      { route: "generateContent", sequence: ["429", "ok"], repeat: true },
      { route: "countTokens", sequence: ["500"] },
    ]);
    const engine = createFaultEngine({ rules, seed: 1 });
    const kinds = () => engine.next("generateContent", "m").action?.kind ?? "ok";
    expect([kinds(), kinds(), kinds(), kinds()]).toEqual(["rate_limit_429", "ok", "rate_limit_429", "ok"]);
    expect(engine.next("countTokens", "m").action?.kind).toBe("500");
    expect(engine.next("countTokens", "m").action).toBeUndefined();
  });

  it("adds up latency from every rule and lets the first error win", () => {
    const { rules } = parseFaults([
      { route: "*", kind: { kind: "latency", ms: 100 } },
      { route: "generateContent", ms: 50, kind: "latency" },
      { route: "generateContent", sequence: ["503"] },
      { route: "generateContent", sequence: ["500"] },
    ]);
    const engine = createFaultEngine({ rules, seed: 1 });
    expect(engine.next("generateContent", "m")).toMatchObject({ latencyMs: 150, action: { kind: "503" } });
    expect(engine.next("generateContent", "m")).toEqual({ latencyMs: 150, action: undefined });
    expect(engine.next("files.get", undefined)).toEqual({ latencyMs: 100, action: undefined });
  });

  it("accepts route aliases and numeric kinds, and refuses unknown routes by name", () => {
    expect(parseFaults([{ route: "batch.create", sequence: [503, "429"] }]).rules[0]?.sequence).toEqual([
      { kind: "503" },
      { kind: "rate_limit_429" },
    ]);
    expect(() => parseFaults([{ route: "nope", kind: "500" }])).toThrow(
      'faults.rules[0].route[0]: unknown route "nope"',
    );
  });

  it("draws the same numbers for the same seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const drawn = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(drawn);
    expect(drawn.every((n) => n >= 0 && n < 1)).toBe(true);
  });
});
