import { describe, expect, it } from "vitest";
import { computeCost, createPricing, resolveModel } from "./cost.js";
import { DEFAULT_MODEL_ALIASES, DEFAULT_PRICES } from "./prices.js";
import { PricePeriodSchema } from "./schema.js";

const LATE_2026 = Date.parse("2026-11-29T12:00:00Z");

describe("the built-in price table", () => {
  it("gives every price period and every alias a source and the day it was read", () => {
    for (const [model, price] of Object.entries(DEFAULT_PRICES)) {
      for (const period of price.periods) {
        expect(PricePeriodSchema.safeParse(period).success, model).toBe(true);
        expect(period.source.length, model).toBeGreaterThan(10);
      }
      if (price.retires) expect(price.retires_source, model).toBeTruthy();
    }
    for (const [alias, entry] of Object.entries(DEFAULT_MODEL_ALIASES)) {
      expect(entry.source.length, alias).toBeGreaterThan(10);
      expect(entry.as_of, alias).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("prices the current models users name or are routed to", () => {
    const usage = { promptTokenCount: 1_000_000, candidatesTokenCount: 1_000_000 };
    const cost = (model: string) => computeCost({ model, usage, at: LATE_2026 });
    expect(cost("gemini-3.8-flash")).toMatchObject({ cost: 4.5, priced_as: "gemini-3.8-flash" });
    // 3.7 Flash is routed to 3.8 Flash since 2026-10-08 and billed as it.
    expect(cost("gemini-3.7-flash")).toMatchObject({ cost: 4.5, priced_as: "gemini-3.8-flash" });
    expect(cost("gemini-3.5-flash")).toMatchObject({ cost: 9, priced_as: "gemini-3.6-flash" });
    expect(cost("gemini-3.1-flash-lite")).toMatchObject({ cost: 1.75 });
    expect(cost("gemini-3.5-flash-lite")).toMatchObject({ cost: 2.8 });
    expect(cost("gemini-4-argon")).toMatchObject({ cost: 12 });
    expect(computeCost({ model: "gemini-4-argon", usage, at: "2026-12-01" })).toMatchObject({ cost: 24 });
    // Before the routing began, a 3.5 Flash reply is priced as 3.5 Flash.
    expect(computeCost({ model: "gemini-3.5-flash", usage, at: "2026-09-01" })).toMatchObject({
      cost: 10.5,
      priced_as: "gemini-3.5-flash",
    });
  });

  it("marks what no first-hand source confirms, and keeps confirmed figures unmarked", () => {
    expect(DEFAULT_PRICES["gemini-4-argon"]!.periods.every((p) => p.unconfirmed)).toBe(true);
    expect(DEFAULT_PRICES["gemini-3.1-flash-lite"]!.periods[0]!.unconfirmed).toMatch(/third-party/);
    expect(DEFAULT_PRICES["gemini-3.8-flash"]!.periods[0]!.unconfirmed).toBeUndefined();
    expect(DEFAULT_MODEL_ALIASES["gemini-flash-latest"]!.unconfirmed).toBeTruthy();
    expect(DEFAULT_MODEL_ALIASES["gemini-3.7-flash"]!.unconfirmed).toBeUndefined();
  });

  it("resolves gemini-flash-latest to the costlier sourced target, so max_cost does not count too little", () => {
    expect(resolveModel("gemini-flash-latest", undefined, LATE_2026)).toEqual({ id: "gemini-3.6-flash", known: true });
    const flashLatest = computeCost({
      model: "gemini-flash-latest",
      usage: { candidatesTokenCount: 1_000_000 },
      at: LATE_2026,
    }).cost!;
    const flash38 = computeCost({
      model: "gemini-3.8-flash",
      usage: { candidatesTokenCount: 1_000_000 },
      at: LATE_2026,
    }).cost!;
    expect(flashLatest).toBeGreaterThanOrEqual(flash38);
  });

  it("takes a config alias as the user's own, with the config file as its source", () => {
    const pricing = createPricing({ aliases: { fast: "gemini-2.5-flash-lite" } });
    expect(pricing.aliases.fast).toMatchObject({ target: "gemini-2.5-flash-lite", source: "gembatch.config.json" });
    expect(resolveModel("fast", pricing)).toEqual({ id: "gemini-2.5-flash-lite", known: true });
  });
});
