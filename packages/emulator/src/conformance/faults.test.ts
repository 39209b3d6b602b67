import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";

import { apiFailure, detail, MODEL, useEmulator } from "../../test/helpers/emulator.js";

const ask = { model: MODEL, contents: "q" };

describe("faults", () => {
  it("rate_limit_429: QuotaFailure + Help + RetryInfo with the configured delay, then recovers", async () => {
    const { ai, emu } = await useEmulator({
      faults: [{ route: "generateContent", sequence: [{ kind: "rate_limit_429", retryDelay: "26s" }, "ok"] }],
    });
    const { status, body } = await apiFailure(ai.models.generateContent(ask));
    expect(status).toBe(429);
    expect(body.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(body.error.message).toMatch(
      /^You exceeded your current quota, please check your plan and billing details\./,
    );
    expect(body.error.message).toMatch(/Please retry in 26s\.$/);
    expect(body.error.details?.map((d) => d["@type"])).toEqual([
      "type.googleapis.com/google.rpc.QuotaFailure",
      "type.googleapis.com/google.rpc.Help",
      "type.googleapis.com/google.rpc.RetryInfo",
    ]);
    expect(detail(body, "RetryInfo")).toEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "26s",
    });
    expect(detail(body, "QuotaFailure")?.violations).toEqual([
      {
        quotaMetric: "generativelanguage.googleapis.com/generate_requests_per_model",
        quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
        quotaDimensions: { location: "global", model: MODEL },
        quotaValue: "1000",
      },
    ]);
    expect((await ai.models.generateContent(ask)).text).toBeDefined();
    expect(emu.record.quota.rejections).toMatchObject([{ route: "generateContent", source: "fault" }]);
    expect(emu.record.faults).toMatchObject([{ route: "generateContent", kind: "rate_limit_429" }]);
  });

  it("lets the SDK's own retries get through a sequence of 429s", async () => {
    const { ai, emu } = await useEmulator({ faults: [{ route: "generateContent", sequence: ["429", "429", "ok"] }] });
    const r = await ai.models.generateContent({
      ...ask,
      config: { httpOptions: { retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 } } },
    });
    expect(r.text).toBeDefined();
    expect(emu.record.statuses.generateContent).toEqual({ "429": 2, "200": 1 });
  });

  it("batch_create_429: only a Help detail, no QuotaFailure or RetryInfo", async () => {
    const { ai } = await useEmulator({ faults: [{ route: "batch.create", sequence: ["batch_create_429"] }] });
    const { status, body } = await apiFailure(ai.batches.create({ model: MODEL, src: [{ contents: "x" }] }));
    expect(status).toBe(429);
    expect(body.error.details).toEqual([
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [
          {
            description: "Learn more about Gemini API quotas",
            url: "https://ai.google.dev/gemini-api/docs/rate-limits",
          },
        ],
      },
    ]);
    expect(body.error.message).not.toMatch(/retry in/);
  });

  it("daily_quota_429: the per-day quotaId, with a delay until midnight Pacific", async () => {
    // 12:00 PST: twelve hours to go.
    const { ai } = await useEmulator({
      startTime: "2026-01-15T20:00:00Z",
      faults: [{ route: "generateContent", kind: "daily_quota_429" }],
    });
    const { body } = await apiFailure(ai.models.generateContent(ask));
    expect(detail(body, "QuotaFailure")?.violations).toMatchObject([
      { quotaId: "GenerateRequestsPerDayPerProjectPerModel" },
    ]);
    const delay = Number(String(detail(body, "RetryInfo")?.retryDelay).replace("s", ""));
    expect(delay).toBeGreaterThan(43_190);
    expect(delay).toBeLessThanOrEqual(43_200);
    expect(body.error.message).toMatch(/Please retry in 11h59m\d/);
  });

  it("500, 503 and 504 answer Google's envelopes", async () => {
    const { ai } = await useEmulator({ faults: [{ route: "generateContent", sequence: ["500", "503", "504"] }] });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const { status, body } = await apiFailure(ai.models.generateContent(ask));
      statuses.push([status, body.error.status]);
    }
    expect(statuses).toEqual([
      [500, "INTERNAL"],
      [503, "UNAVAILABLE"],
      [504, "DEADLINE_EXCEEDED"],
    ]);
  });

  it("latency: delays the answer by emulated milliseconds", async () => {
    const { ai } = await useEmulator({
      timeScale: 1000,
      faults: [{ route: "*", kind: { kind: "latency", ms: 120_000 } }],
    });
    const started = performance.now();
    await ai.models.generateContent(ask);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("reset: destroys the connection mid-response", async () => {
    const { ai, emu } = await useEmulator({ faults: [{ route: "generateContent", sequence: ["reset"] }] });
    const error = await ai.models.generateContent(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ApiError);
    expect((await ai.models.generateContent(ask)).text).toBeDefined();
    expect(emu.record.statuses.generateContent).toEqual({ reset: 1, "200": 1 });
  });

  it("503 with after: the create is carried out (job and webhookConfig kept), only its answer is the error", async () => {
    const { ai, emu } = await useEmulator({
      faults: [{ route: "batches.create", sequence: [{ kind: "503", after: true }] }],
    });
    const webhookConfig = { uris: ["https://hooks.example.com/x"], userMetadata: { batch: "1" } };
    const created = ai.batches.create({
      model: MODEL,
      src: [{ contents: "a" }],
      config: { displayName: "after-503", webhookConfig },
    });
    const { status, body } = await apiFailure(created);
    expect(status).toBe(503);
    expect(body.error.status).toBe("UNAVAILABLE");
    expect(emu.record.batches).toMatchObject([{ displayName: "after-503", webhookConfig }]);
    expect(emu.record.faults).toMatchObject([{ route: "batches.create", kind: "503" }]);
  });

  it("stream_cut: ends the stream inside an event, or without the final event", async () => {
    const { ai } = await useEmulator({
      script: [{ reply: { text: "Hello world!" } }],
      faults: [
        { route: "streamGenerateContent", sequence: ["stream_cut", { kind: "stream_cut", mode: "drop_final" }] },
      ],
    });
    const texts: string[] = [];
    const cut = async () => {
      for await (const chunk of await ai.models.generateContentStream(ask)) texts.push(chunk.text ?? "");
    };
    await expect(cut()).rejects.toThrow("Incomplete JSON segment at the end");
    expect(texts).toEqual(["Hell"]);

    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream(ask)) chunks.push(chunk);
    expect(chunks.map((c) => c.text)).toEqual(["Hell", "o wo"]);
    expect(chunks.some((c) => c.candidates?.[0]?.finishReason)).toBe(false);
  });

  it("stream_error: an error event after the first chunk surfaces as ApiError", async () => {
    const { ai } = await useEmulator({ faults: [{ route: "streamGenerateContent", sequence: ["stream_error"] }] });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of await ai.models.generateContentStream(ask)) seen.push(chunk.text ?? "");
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    expect(seen).toHaveLength(1);
  });

  it("probabilities are repeatable for a seed; times caps how often a rule fires", async () => {
    const pattern = async (seed: number) => {
      const { ai } = await useEmulator({
        faults: { seed, rules: [{ route: "generateContent", probability: 0.5, kind: "503" }] },
      });
      const out: number[] = [];
      for (let i = 0; i < 16; i += 1) {
        out.push(
          await ai.models.generateContent(ask).then(
            () => 200,
            (e: ApiError) => e.status,
          ),
        );
      }
      return out;
    };
    const first = await pattern(7);
    expect(await pattern(7)).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);

    const { ai } = await useEmulator({ faults: [{ route: "*", kind: "500", probability: 1, times: 2 }] });
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push(
        await ai.models.countTokens(ask).then(
          () => 200,
          (e: ApiError) => e.status,
        ),
      );
    expect(statuses).toEqual([500, 500, 200]);
  });

  it("filters by model, and can be added or replaced at runtime", async () => {
    const { ai, emu } = await useEmulator({
      faults: [{ route: "generateContent", model: "gemini-2.5-pro", kind: "503" }],
    });
    expect((await ai.models.generateContent(ask)).text).toBeDefined();
    expect((await apiFailure(ai.models.generateContent({ ...ask, model: "gemini-2.5-pro" }))).status).toBe(503);
    emu.addFaults([{ route: "generateContent", sequence: ["500"] }]);
    expect((await apiFailure(ai.models.generateContent(ask))).status).toBe(500);
    emu.setFaults([]);
    expect((await ai.models.generateContent({ ...ask, model: "gemini-2.5-pro" })).text).toBeDefined();
  });

  it("applies to upload chunks", async () => {
    const { ai } = await useEmulator({ faults: [{ route: "files.uploadChunk", sequence: ["503"] }] });
    const upload = ai.files.upload({ file: new Blob(["x"], { type: "text/plain" }) });
    expect((await apiFailure(upload)).status).toBe(503);
  });
});
