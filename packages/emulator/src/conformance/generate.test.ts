import { describe, expect, it } from "vitest";

import { API_KEY, apiFailure, MODEL, raw, useEmulator } from "../../test/helpers/emulator.js";

describe("generateContent", () => {
  it("answers a scripted reply with candidates, usage, modelVersion and responseId", async () => {
    const { ai } = await useEmulator({
      script: [{ match: { text: "hello" }, reply: { text: "Hello from emulator" } }],
    });
    const r = await ai.models.generateContent({
      model: MODEL,
      contents: "Say hello",
      config: { systemInstruction: "Be terse." },
    });
    expect(r.text).toBe("Hello from emulator");
    expect(r.candidates?.[0]?.finishReason).toBe("STOP");
    expect(r.modelVersion).toBe(MODEL);
    expect(r.responseId).toMatch(/^[a-z0-9]{22}$/);
    // "Be terse." (9 chars → 3) + "Say hello" (9 → 3) prompt; "Hello from emulator" (19 → 5) candidates.
    expect(r.usageMetadata).toMatchObject({ promptTokenCount: 6, candidatesTokenCount: 5, totalTokenCount: 11 });
  });

  it("falls back to the documented default reply when nothing matches", async () => {
    const { ai, emu } = await useEmulator({ script: [{ match: { text: "never" }, reply: { text: "no" } }] });
    const r = await ai.models.generateContent({ model: MODEL, contents: "anything" });
    expect(r.text).toBe("emulator: no scripted reply");
    expect(r.candidates?.[0]?.finishReason).toBe("STOP");
    expect(emu.record.generate[0]).not.toHaveProperty("scriptEntry");
  });

  it("reports thought tokens apart from candidates and shows thoughts only when asked", async () => {
    const script = [{ reply: { text: "answer", thoughts: "thinking it over", thoughtTokens: 40 } }];
    const { ai } = await useEmulator({ script });
    const plain = await ai.models.generateContent({ model: MODEL, contents: "q" });
    expect(plain.candidates?.[0]?.content?.parts).toEqual([{ text: "answer" }]);
    expect(plain.usageMetadata).toMatchObject({ candidatesTokenCount: 2, thoughtsTokenCount: 40, totalTokenCount: 43 });

    const shown = await ai.models.generateContent({
      model: MODEL,
      contents: "q",
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 128 } },
    });
    expect(shown.candidates?.[0]?.content?.parts?.[0]).toEqual({ text: "thinking it over", thought: true });
    expect(shown.text).toBe("answer");
  });

  it("uses given usage fields and computes the rest", async () => {
    const { ai } = await useEmulator({
      script: [{ reply: { text: "x", usage: { promptTokenCount: 1000, cachedContentTokenCount: 600 } } }],
    });
    const r = await ai.models.generateContent({ model: MODEL, contents: "q" });
    expect(r.usageMetadata).toMatchObject({
      promptTokenCount: 1000,
      cachedContentTokenCount: 600,
      candidatesTokenCount: 1,
      totalTokenCount: 1001,
    });
  });

  it("cuts the answer at maxOutputTokens with MAX_TOKENS, thinking spending the same budget", async () => {
    const { ai } = await useEmulator({ script: [{ reply: { text: "a".repeat(400), thoughtTokens: 10 } }] });
    const r = await ai.models.generateContent({ model: MODEL, contents: "q", config: { maxOutputTokens: 30 } });
    expect(r.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
    expect(r.text).toBe("a".repeat(80));
    const starved = await ai.models.generateContent({ model: MODEL, contents: "q", config: { maxOutputTokens: 10 } });
    expect(starved.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
    expect(starved.text).toBeUndefined();
  });

  it("answers scripted finish reasons and prompt blocks as the API shapes them", async () => {
    const { ai } = await useEmulator({
      script: [
        { match: { text: "unsafe" }, reply: { finishReason: "SAFETY" } },
        { match: { text: "blocked" }, reply: { blockReason: "PROHIBITED_CONTENT" } },
        { match: { text: "recite" }, reply: { text: "partial", finishReason: "RECITATION" } },
      ],
    });
    const unsafe = await ai.models.generateContent({ model: MODEL, contents: "unsafe" });
    expect(unsafe.candidates?.[0]?.finishReason).toBe("SAFETY");
    expect(unsafe.candidates?.[0]?.content).toBeUndefined();
    expect(unsafe.text).toBeUndefined();
    const blocked = await ai.models.generateContent({ model: MODEL, contents: "blocked" });
    expect(blocked.candidates).toBeUndefined();
    expect(blocked.promptFeedback?.blockReason).toBe("PROHIBITED_CONTENT");
    const recite = await ai.models.generateContent({ model: MODEL, contents: "recite" });
    expect(recite.text).toBe("partial");
    expect(recite.candidates?.[0]?.finishReason).toBe("RECITATION");
  });

  it("matches by model, regex, order (nth) and use count (times)", async () => {
    const { ai, emu } = await useEmulator({
      script: {
        replies: [
          { match: { model: "gemini-2.5-pro" }, reply: { text: "pro" } },
          { match: { model: MODEL, regex: "/fix (\\w+)\\.py/i", nth: 2 }, reply: { text: "second fix" } },
          { match: { regex: "fix \\w+\\.py" }, times: 2, reply: { text: "fix" } },
        ],
        default: { text: "fallback" },
      },
    });
    const ask = async (model: string, contents: string) => (await ai.models.generateContent({ model, contents })).text;
    expect(await ask("gemini-2.5-pro", "fix a.py")).toBe("pro");
    expect(await ask(MODEL, "fix a.py")).toBe("fix");
    expect(await ask(MODEL, "FIX b.py")).toBe("second fix");
    expect(await ask(MODEL, "fix c.py")).toBe("fix");
    expect(await ask(MODEL, "fix d.py")).toBe("fallback");
    expect(emu.record.generate.map((g) => g.scriptEntry ?? null)).toEqual([0, 2, 1, 2, null]);
  });

  it("waits the scripted delay in emulated time", async () => {
    const { ai } = await useEmulator({ timeScale: 1000, script: [{ reply: { text: "late", delayMs: 150_000 } }] });
    const started = performance.now();
    await ai.models.generateContent({ model: MODEL, contents: "q" });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
  });

  it("answers a scripted error with the google.rpc envelope", async () => {
    const { ai } = await useEmulator({ script: [{ reply: { error: { code: 500 } } }] });
    const { status, body } = await apiFailure(ai.models.generateContent({ model: MODEL, contents: "q" }));
    expect(status).toBe(500);
    expect(body.error.status).toBe("INTERNAL");
    expect(body.error.message).toMatch(/internal error/);
  });

  it("echoes the request's API key into a scripted error message where the script asks for it", async () => {
    const { ai } = await useEmulator({
      script: [
        { reply: { error: { code: 400, message: "key {{api_key}} url {{api_key_url}} b64 {{api_key_base64}}" } } },
      ],
    });
    const { body } = await apiFailure(ai.models.generateContent({ model: MODEL, contents: "x" }));
    expect(body.error.message).toBe(
      `key ${API_KEY} url ${encodeURIComponent(API_KEY)} b64 ${Buffer.from(`x-goog-api-key: ${API_KEY}`).toString("base64")}`,
    );
  });

  it("records each request with model, prompt text and cachedContent", async () => {
    const { ai, emu } = await useEmulator();
    await ai.models.generateContent({ model: MODEL, contents: "first prompt", config: { systemInstruction: "sys" } });
    const [entry] = emu.record.generate;
    expect(entry).toMatchObject({ route: "generateContent", model: MODEL, prompt: "sys\nfirst prompt", status: 200 });
    expect(emu.record.counts.generateContent).toBe(1);
    const snapshot = emu.record;
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describe("streamGenerateContent", () => {
  it("streams deltas as SSE data events, with finishReason and full usage on the last chunk", async () => {
    const { ai } = await useEmulator({ script: [{ reply: { text: "Hello world!", thoughtTokens: 4 } }] });
    const stream = await ai.models.generateContentStream({ model: MODEL, contents: "stream please" });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.text)).toEqual(["Hell", "o wo", "rld!"]);
    expect(chunks.slice(0, -1).every((c) => c.candidates?.[0]?.finishReason === undefined)).toBe(true);
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last?.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 3,
      thoughtsTokenCount: 4,
      totalTokenCount: 11,
    });
    expect(chunks[0]?.usageMetadata).toEqual({ promptTokenCount: 4, totalTokenCount: 4 });
  });

  it("sends explicit stream chunks and ends the body right after the last separator", async () => {
    const { emu } = await useEmulator({ script: [{ reply: { text: "ab", streamChunks: ["a", "b"] } }] });
    const res = await fetch(`${emu.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": "test-key", "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "q" }] }] }),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const body = await res.text();
    const events = body.split("\r\n\r\n");
    expect(events.at(-1)).toBe("");
    expect(events.slice(0, -1).every((e) => e.startsWith("data: {"))).toBe(true);
    expect(events).toHaveLength(3);
  });

  it("refuses before streaming with a non-2xx status", async () => {
    const { ai } = await useEmulator({ script: [{ reply: { error: { code: 503 } } }] });
    const { status } = await apiFailure(ai.models.generateContentStream({ model: MODEL, contents: "q" }));
    expect(status).toBe(503);
  });
});

describe("countTokens", () => {
  it("counts ceil(chars / 4) per text part", async () => {
    const { ai, emu } = await useEmulator();
    const r = await ai.models.countTokens({ model: MODEL, contents: ["a".repeat(9), "b".repeat(4)] });
    expect(r.totalTokens).toBe(3 + 1);
    expect(emu.record.counts.countTokens).toBe(1);
    expect(emu.record.generate).toEqual([]);
  });
});

describe("malformed requests", () => {
  it("answers an unknown or retired model with Google's 404", async () => {
    const { ai } = await useEmulator();
    for (const model of ["not-a-model", "gemini-1.5-flash", "gemini-2.0-flash"]) {
      const { status, body } = await apiFailure(ai.models.generateContent({ model, contents: "q" }));
      expect(status).toBe(404);
      expect(body.error).toEqual({
        code: 404,
        status: "NOT_FOUND",
        message:
          `models/${model} is not found for API version v1beta, or is not supported for generateContent. ` +
          "Call ListModels to see the list of available models and their supported methods.",
      });
    }
  });

  it("serves only the configured models when a list is given", async () => {
    const { ai } = await useEmulator({ models: ["gemini-flash-latest"] });
    expect((await ai.models.generateContent({ model: "gemini-flash-latest", contents: "q" })).text).toBeDefined();
    expect((await apiFailure(ai.models.generateContent({ model: MODEL, contents: "q" }))).status).toBe(404);
  });

  it("answers missing contents, empty parts, bad JSON and unknown fields with 400 INVALID_ARGUMENT", async () => {
    const { emu } = await useEmulator();
    const path = `/v1beta/models/${MODEL}:generateContent`;
    const missing = await raw(emu, path, { body: "{}" });
    expect(missing).toEqual({
      status: 400,
      json: {
        error: {
          code: 400,
          message: "* GenerateContentRequest.contents: contents is not specified\n",
          status: "INVALID_ARGUMENT",
        },
      },
    });
    const empty = await raw(emu, path, { body: JSON.stringify({ contents: [{ role: "user", parts: [] }] }) });
    expect((empty.json.error as { message: string }).message).toBe(
      "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n",
    );
    const badJson = await raw(emu, path, { body: '{"contents": [' });
    expect(badJson.status).toBe(400);
    expect((badJson.json.error as { message: string }).message).toMatch(/^Invalid JSON payload received\./);
    const unknown = await raw(emu, path, {
      body: JSON.stringify({ contents: [{ parts: [{ text: "q" }] }], config: {} }),
    });
    expect(unknown.status).toBe(400);
    expect((unknown.json.error as { message: string }).message).toBe(
      'Invalid JSON payload received. Unknown name "config": Cannot find field.',
    );
  });

  it("answers an unknown path with a JSON 404", async () => {
    const { emu } = await useEmulator();
    const r = await raw(emu, "/v1beta/models/gemini-2.5-flash:notAVerb", { body: "{}" });
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
  });
});
