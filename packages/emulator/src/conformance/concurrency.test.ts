import { describe, expect, it } from "vitest";

import { MODEL, useEmulator } from "../../test/helpers/emulator.js";

describe("concurrency", () => {
  it("serves 200 concurrent generateContent calls without an error", async () => {
    const { ai, emu } = await useEmulator({
      timeScale: 10,
      script: [{ match: { regex: "request \\d+" }, reply: { text: "ok", delayMs: 200 } }],
    });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => ai.models.generateContent({ model: MODEL, contents: `request ${i}` })),
    );
    const failures = results.filter((r) => r.status === "rejected");
    expect(failures).toEqual([]);
    expect(results.every((r) => r.status === "fulfilled" && r.value.text === "ok")).toBe(true);
    const record = emu.record;
    expect(record.counts.generateContent).toBe(200);
    expect(record.statuses.generateContent).toEqual({ "200": 200 });
    expect(new Set(record.generate.map((g) => g.prompt)).size).toBe(200);
    expect(record.internalErrors).toEqual([]);
  });
});
