import { describe, expect, it } from "vitest";
import { computeCost, createPricing, estimateRequestCost, cacheStorageCost, resolveModel } from "./cost.js";

const at = "2026-11-21T12:00:00Z";

describe("computeCost", () => {
  it("prices the seed's example on gemini-2.5-flash by hand", () => {
    const result = computeCost({
      model: "gemini-2.5-flash",
      usage: { promptTokenCount: 10065, candidatesTokenCount: 4558, totalTokenCount: 14623 },
      at,
    });
    // 10065 × $0.30/M + 4558 × $2.50/M
    expect(result.cost).toBeCloseTo(0.0030195 + 0.011395, 12);
    expect(result.tier).toBe("standard");
  });

  it("bills thinking tokens as output", () => {
    const result = computeCost({
      model: "gemini-2.5-flash",
      usage: { promptTokenCount: 1000, candidatesTokenCount: 100, thoughtsTokenCount: 900 },
      at,
    });
    expect(result.breakdown?.output_tokens).toBe(1000);
    expect(result.cost).toBeCloseTo(0.0003 + 0.0025, 12);
  });

  it("bills cached tokens at the cache rate and only the rest at the input rate", () => {
    const result = computeCost({
      model: "gemini-2.5-flash",
      usage: { promptTokenCount: 10000, cachedContentTokenCount: 8000, candidatesTokenCount: 500 },
      at,
    });
    expect(result.breakdown).toMatchObject({
      uncached_input_tokens: 2000,
      cached_input_tokens: 8000,
      output_tokens: 500,
    });
    expect(result.cost).toBeCloseTo(0.0006 + 0.00024 + 0.00125, 12);
  });

  it("bills tool-use prompt tokens as input", () => {
    const result = computeCost({
      model: "gemini-2.5-flash",
      usage: { promptTokenCount: 1000, toolUsePromptTokenCount: 1000, candidatesTokenCount: 0 },
      at,
    });
    expect(result.cost).toBeCloseTo(0.0006, 12);
  });

  it("applies the batch discount, and the batch cached rate where one is published", () => {
    const batch = computeCost({
      model: "gemini-2.5-flash",
      usage: { promptTokenCount: 10000, candidatesTokenCount: 2000 },
      at,
      batch: true,
    });
    expect(batch.tier).toBe("batch");
    expect(batch.cost).toBeCloseTo(0.0015 + 0.0025, 12);
    const lite = computeCost({
      model: "gemini-3.1-flash-lite-preview",
      usage: { promptTokenCount: 1_000_000, cachedContentTokenCount: 1_000_000, candidatesTokenCount: 0 },
      at,
      batch: true,
    });
    expect(lite.cost).toBeCloseTo(0.0125, 12);
    // No batch cache figure for 2.5 Flash: budget at the standard cache rate.
    const flashCached = computeCost({
      model: "gemini-2.5-flash",
      usage: { promptTokenCount: 1_000_000, cachedContentTokenCount: 1_000_000 },
      at,
      batch: true,
    });
    expect(flashCached.cost).toBeCloseTo(0.03, 12);
  });

  it("charges every token at the long-context rate once the prompt exceeds 200k", () => {
    const long = computeCost({
      model: "gemini-2.5-pro",
      usage: { promptTokenCount: 250_000, candidatesTokenCount: 1000 },
      at,
    });
    expect(long.tier).toBe("long_context");
    expect(long.cost).toBeCloseTo(0.625 + 0.015, 12);
    const edge = computeCost({
      model: "gemini-2.5-pro",
      usage: { promptTokenCount: 200_000, candidatesTokenCount: 1000 },
      at,
    });
    expect(edge.tier).toBe("standard");
    expect(edge.cost).toBeCloseTo(0.25 + 0.01, 12);
    const longBatch = computeCost({
      model: "gemini-2.5-pro",
      usage: { promptTokenCount: 250_000, candidatesTokenCount: 1000 },
      at,
      batch: true,
    });
    expect(longBatch.cost).toBeCloseTo(0.3125 + 0.0075, 12);
  });

  it("gives null and a warning for an unknown model, never a guess", () => {
    const result = computeCost({
      model: "gemini-9-ultra",
      usage: { promptTokenCount: 10, candidatesTokenCount: 10 },
      at,
    });
    expect(result.cost).toBeNull();
    expect(result.warning).toMatch(/no price known for model "gemini-9-ultra"/);
  });

  it("gives null when a rate the usage needs is unknown", () => {
    const result = computeCost({
      model: "gemini-3.6-flash",
      usage: { promptTokenCount: 100, cachedContentTokenCount: 50 },
      at,
    });
    expect(result.cost).toBeNull();
    expect(result.warning).toMatch(/cached-input price/);
    // Batch is 50% of standard on every model (batch docs), so 3.6 Flash has a batch rate.
    expect(
      computeCost({ model: "gemini-3.6-flash", usage: { promptTokenCount: 1_000_000 }, at, batch: true }).cost,
    ).toBe(0.75);
  });

  it("switches to the announced price on its effective date", () => {
    const usage = { promptTokenCount: 1_000_000, candidatesTokenCount: 1_000_000 };
    expect(computeCost({ model: "gemini-3.8-flash", usage, at: "2026-12-31T23:59:59Z" }).cost).toBeCloseTo(4.5, 12);
    expect(computeCost({ model: "gemini-3.8-flash", usage, at: "2027-01-01T00:00:00Z" }).cost).toBeCloseTo(9, 12);
  });

  it("resolves aliases, models/ prefixes and -001 version suffixes to the priced model", () => {
    expect(resolveModel("gemini-flash-latest")).toEqual({ id: "gemini-3.6-flash", known: true });
    expect(resolveModel("models/gemini-2.5-flash-001")).toEqual({ id: "gemini-2.5-flash", known: true });
    expect(resolveModel("gemini-2.5-flash-lite")).toEqual({ id: "gemini-2.5-flash-lite", known: true });
    expect(resolveModel("gemini-2.5-flash-preview-05-20").known).toBe(false);
    const cost = computeCost({ model: "models/gemini-2.5-flash-001", usage: { promptTokenCount: 1_000_000 }, at });
    expect(cost.priced_as).toBe("gemini-2.5-flash");
    expect(cost.cost).toBeCloseTo(0.3, 12);
  });

  it("takes price overrides and aliases from config", () => {
    const pricing = createPricing({
      prices: {
        "my-tuned": { periods: [{ standard: { input: 1, output: 2 }, source: "contract", as_of: "2026-11-01" }] },
      },
      aliases: { fast: "my-tuned" },
    });
    expect(
      computeCost({ model: "fast", usage: { promptTokenCount: 1_000_000, candidatesTokenCount: 500_000 }, at }, pricing)
        .cost,
    ).toBeCloseTo(2, 12);
  });

  it("estimates before a call and prices cache storage per hour", () => {
    expect(
      estimateRequestCost({
        model: "gemini-2.5-flash",
        promptTokens: 1_000_000,
        maxTokens: 1_000_000,
        at: new Date(at).getTime(),
      }),
    ).toBeCloseTo(2.8, 12);
    expect(estimateRequestCost({ model: "nope", promptTokens: 1, maxTokens: 1, at: 0 })).toBeNull();
    expect(cacheStorageCost("gemini-2.5-flash", 1_000_000, 2, new Date(at))).toBeCloseTo(2, 12);
    expect(cacheStorageCost("nope", 1, 1)).toBeNull();
  });
});
