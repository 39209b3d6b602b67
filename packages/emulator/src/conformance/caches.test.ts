import { describe, expect, it } from "vitest";

import { createManualClock } from "../clock.js";
import { apiFailure, MODEL, useEmulator } from "../../test/helpers/emulator.js";

const SHARED = "shared context ".repeat(600); // 9,000 chars → 2,250 tokens, above the 2,048 minimum for 2.5 models

describe("cachedContents", () => {
  it("creates, gets, lists, updates and deletes a cache", async () => {
    const clock = createManualClock({ startTime: "2026-05-01T00:00:00Z" });
    const { ai, emu } = await useEmulator({ clock });
    const cache = await ai.caches.create({
      model: MODEL,
      config: { contents: SHARED, systemInstruction: "cached sys", ttl: "600s", displayName: "probe-cache" },
    });
    expect(cache).toMatchObject({
      model: `models/${MODEL}`,
      displayName: "probe-cache",
      createTime: "2026-05-01T00:00:00.000000Z",
      expireTime: "2026-05-01T00:10:00.000000Z",
      usageMetadata: { totalTokenCount: 2250 + 3 },
    });
    const name = cache.name ?? "";
    expect((await ai.caches.get({ name: name.replace("cachedContents/", "") })).name).toBe(name);
    const listed = [];
    for await (const c of await ai.caches.list()) listed.push(c.name);
    expect(listed).toEqual([name]);

    clock.advance(60_000);
    const updated = await ai.caches.update({ name, config: { ttl: "3600s" } });
    expect(updated.expireTime).toBe("2026-05-01T01:01:00.000000Z");
    await ai.caches.delete({ name });
    expect((await apiFailure(ai.caches.get({ name }))).body.error).toEqual({
      code: 403,
      message: "CachedContent not found (or permission denied)",
      status: "PERMISSION_DENIED",
    });
    expect(emu.record.caches).toMatchObject([{ name, model: MODEL, tokens: 2253, deleted: true }]);
  });

  it("counts cached tokens in generateContent usage and records the cache used", async () => {
    const { ai, emu } = await useEmulator({
      script: [{ match: { text: "shared context" }, reply: { text: "uses cache" } }],
    });
    const cache = await ai.caches.create({ model: MODEL, config: { contents: SHARED } });
    const r = await ai.models.generateContent({
      model: MODEL,
      contents: "the question",
      config: { cachedContent: cache.name! },
    });
    expect(r.text).toBe("uses cache");
    expect(r.usageMetadata).toMatchObject({ cachedContentTokenCount: 2250, promptTokenCount: 2250 + 3 });
    expect(emu.record.generate[0]?.cachedContent).toBe(cache.name);
  });

  it("expires at its TTL in emulated time", async () => {
    const clock = createManualClock();
    const { ai } = await useEmulator({ clock });
    const cache = await ai.caches.create({ model: MODEL, config: { contents: SHARED, ttl: "60s" } });
    clock.advance(60_000);
    expect((await apiFailure(ai.caches.get({ name: cache.name ?? "" }))).status).toBe(403);
    const use = ai.models.generateContent({ model: MODEL, contents: "q", config: { cachedContent: cache.name! } });
    expect((await apiFailure(use)).status).toBe(403);
  });

  it("refuses content under the model's minimum, a model mismatch, and a system instruction next to the cache", async () => {
    const { ai } = await useEmulator();
    const small = await apiFailure(ai.caches.create({ model: MODEL, config: { contents: "tiny" } }));
    expect(small.body.error.message).toBe(
      "Cached content is too small. total_token_count=1, min_total_token_count=2048",
    );
    const newer = await apiFailure(ai.caches.create({ model: "gemini-3.5-flash", config: { contents: SHARED } }));
    expect(newer.body.error.message).toBe(
      "Cached content is too small. total_token_count=2250, min_total_token_count=4096",
    );

    const cache = await ai.caches.create({ model: MODEL, config: { contents: SHARED } });
    const mismatch = await apiFailure(
      ai.models.generateContent({ model: "gemini-2.5-pro", contents: "q", config: { cachedContent: cache.name! } }),
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toMatch(/has to be the same/);
    const withSystem = await apiFailure(
      ai.models.generateContent({
        model: MODEL,
        contents: "q",
        config: { cachedContent: cache.name!, systemInstruction: "x" },
      }),
    );
    expect(withSystem.body.error.message).toMatch(
      /^CachedContent can not be used with GenerateContent request setting system_instruction/,
    );
  });

  it("accepts small caches when minTokens is lowered", async () => {
    const { ai } = await useEmulator({ caches: { minTokens: 0 } });
    const cache = await ai.caches.create({ model: MODEL, config: { contents: "tiny" } });
    expect(cache.usageMetadata?.totalTokenCount).toBe(1);
  });
});
