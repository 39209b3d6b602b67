import { setTimeout as delay } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { createManualClock } from "../clock.js";
import { apiFailure, detail, MODEL, useEmulator } from "../../test/helpers/emulator.js";

const ask = { model: MODEL, contents: "q" };
const HELP = {
  "@type": "type.googleapis.com/google.rpc.Help",
  links: [
    { description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" },
  ],
};
const PREAMBLE =
  "You exceeded your current quota, please check your plan and billing details. For more information on this error, " +
  "head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ";

describe("quotas", () => {
  it("requests per minute: the third request in a minute gets Google's 429, the next minute is free again", async () => {
    const clock = createManualClock({ startTime: "2026-02-02T10:00:15Z" });
    const { ai, emu } = await useEmulator({ clock, quotas: { rpm: 2 } });
    await ai.models.generateContent(ask);
    await ai.models.generateContent(ask);
    const { status, body } = await apiFailure(ai.models.generateContent(ask));
    expect(status).toBe(429);
    expect(body).toEqual({
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message:
          `${PREAMBLE}\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_requests_per_model, ` +
          `limit: 2, model: ${MODEL}\nPlease retry in 45s.`,
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [
              {
                quotaMetric: "generativelanguage.googleapis.com/generate_requests_per_model",
                quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
                quotaDimensions: { location: "global", model: MODEL },
                quotaValue: "2",
              },
            ],
          },
          HELP,
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "45s" },
        ],
      },
    });
    expect(emu.record.quota.usage[MODEL]?.minute).toMatchObject({ requests: 2, start: "2026-02-02T10:00:00.000000Z" });
    expect(emu.record.quota.rejections).toMatchObject([
      { source: "quota", quotaIds: ["GenerateRequestsPerMinutePerProjectPerModel"] },
    ]);

    clock.advance(45_000);
    expect((await ai.models.generateContent(ask)).text).toBeDefined();
    expect(emu.record.quota.usage[MODEL]?.minute.requests).toBe(1);
  });

  it("input tokens per minute count prompt tokens, streams included", async () => {
    const clock = createManualClock({ startTime: "2026-02-02T10:00:00Z" });
    const { ai } = await useEmulator({ clock, quotas: { tpm: 10 } });
    const prompt = { model: MODEL, contents: "x".repeat(32) }; // 8 tokens
    for await (const _ of await ai.models.generateContentStream(prompt)) void _;
    const { body } = await apiFailure(ai.models.generateContent(prompt));
    expect(detail(body, "QuotaFailure")?.violations).toEqual([
      {
        quotaMetric: "generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count",
        quotaId: "GenerateContentPaidTierInputTokensPerModelPerMinute",
        quotaDimensions: { location: "global", model: MODEL },
        quotaValue: "10",
      },
    ]);
    expect((await ai.models.generateContent({ model: MODEL, contents: "xxxxxxxx" })).text).toBeDefined();
  });

  it("requests per day: the per-day quotaId, reset at midnight Pacific", async () => {
    const clock = createManualClock({ startTime: "2026-01-15T07:59:00Z" }); // 23:59 PST
    const { ai } = await useEmulator({ clock, quotas: { rpd: 1 } });
    await ai.models.generateContent(ask);
    const { body } = await apiFailure(ai.models.generateContent(ask));
    expect(detail(body, "QuotaFailure")?.violations).toMatchObject([
      {
        quotaId: "GenerateRequestsPerDayPerProjectPerModel",
        quotaMetric: "generativelanguage.googleapis.com/generate_requests_per_model_per_day",
      },
    ]);
    expect(detail(body, "RetryInfo")?.retryDelay).toBe("60s");
    expect(body.error.message).toMatch(/Please retry in 1m0s\.$/);
    clock.advance(60_000);
    expect((await ai.models.generateContent(ask)).text).toBeDefined();
  });

  it("names free-tier quotas as Google does and applies per-model limits", async () => {
    const clock = createManualClock({ startTime: "2026-02-02T10:00:00Z" });
    const { ai, emu } = await useEmulator({ clock, quotas: { tier: "free", rpm: { "gemini-2.5-pro": 1, "*": 100 } } });
    await ai.models.generateContent({ ...ask, model: "gemini-2.5-pro" });
    const { body } = await apiFailure(ai.models.generateContent({ ...ask, model: "gemini-2.5-pro" }));
    expect(detail(body, "QuotaFailure")?.violations).toMatchObject([
      {
        quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
        quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
        quotaDimensions: { model: "gemini-2.5-pro" },
      },
    ]);
    await ai.models.generateContent(ask);
    await ai.models.generateContent(ask);
    expect(emu.record.quota.usage[MODEL]).toMatchObject({ minute: { requests: 2 }, limits: { rpm: 100 } });
  });

  it("compresses windows with timeScale", async () => {
    // A minute lasts 200 real ms, starting on a minute boundary so both calls land in the first one.
    const { ai } = await useEmulator({ timeScale: 300, startTime: "2026-02-02T10:00:00Z", quotas: { rpm: 1 } });
    await ai.models.generateContent(ask);
    expect((await apiFailure(ai.models.generateContent(ask))).status).toBe(429);
    await delay(220);
    expect((await ai.models.generateContent(ask)).text).toBeDefined();
  });

  it("concurrent batch jobs: 100 by default; the next create gets the Help-only 429 until one ends", async () => {
    const clock = createManualClock();
    const { ai, emu } = await useEmulator({ clock, batch: { pendingMs: 1000, runningMs: 1000 } });
    for (let i = 0; i < 100; i += 1) await ai.batches.create({ model: MODEL, src: [{ contents: "x" }] });
    const { status, body } = await apiFailure(ai.batches.create({ model: MODEL, src: [{ contents: "x" }] }));
    expect(status).toBe(429);
    expect(body.error).toEqual({ code: 429, status: "RESOURCE_EXHAUSTED", message: PREAMBLE, details: [HELP] });
    expect(emu.record.quota.rejections).toMatchObject([{ route: "batches.create", quotaIds: ["ConcurrentBatchJobs"] }]);
    clock.advance(2000);
    expect((await ai.batches.create({ model: MODEL, src: [{ contents: "x" }] })).name).toBeDefined();
    expect(emu.record.batches).toHaveLength(101);
  });

  it("enqueued tokens per model: a job that would exceed the model's allowance is refused", async () => {
    const { ai, emu } = await useEmulator({ quotas: { enqueuedTokens: { [MODEL]: 10 }, concurrentBatches: 5 } });
    const eight = [{ contents: "x".repeat(32) }];
    await ai.batches.create({ model: MODEL, src: eight });
    const { body } = await apiFailure(ai.batches.create({ model: MODEL, src: eight }));
    expect(body.error.details).toEqual([HELP]);
    expect(emu.record.quota.rejections.at(-1)?.quotaIds).toEqual(["BatchEnqueuedTokensPerModel"]);
    await ai.batches.create({ model: "gemini-2.5-pro", src: eight });
    emu.setQuotas({ enqueuedTokens: 100 });
    await ai.batches.create({ model: MODEL, src: eight });
    expect(emu.record.batches).toHaveLength(3);
  });
});
