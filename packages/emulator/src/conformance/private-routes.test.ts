import { describe, expect, it } from "vitest";

import { apiFailure, MODEL, raw, useEmulator } from "../../test/helpers/emulator.js";

describe("private routes and runtime control", () => {
  it("replaces the script over HTTP and through setScript", async () => {
    const { ai, emu } = await useEmulator();
    const put = await raw(emu, "/__emulator/script", {
      method: "PUT",
      key: null,
      body: JSON.stringify([{ reply: { text: "from http" } }]),
    });
    expect(put.status).toBe(200);
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBe("from http");
    emu.setScript({ replies: [{ reply: { text: "from api" } }] });
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBe("from api");
  });

  it("rejects a bad script over HTTP with a one-line message naming the field", async () => {
    const { emu } = await useEmulator();
    const r = await raw(emu, "/__emulator/script", {
      method: "PUT",
      key: null,
      body: JSON.stringify({ replies: [{ reply: { finishReason: "DONE" } }] }),
    });
    expect(r.status).toBe(400);
    expect((r.json.error as { message: string }).message).toMatch(/^script\.replies\[0\]\.reply\.finishReason: /);
  });

  it("adds and replaces faults over HTTP", async () => {
    const { ai, emu } = await useEmulator();
    await raw(emu, "/__emulator/faults", {
      method: "POST",
      key: null,
      body: JSON.stringify([{ route: "generateContent", sequence: ["503"] }]),
    });
    expect((await apiFailure(ai.models.generateContent({ model: MODEL, contents: "q" }))).status).toBe(503);
    await raw(emu, "/__emulator/faults", {
      method: "PUT",
      key: null,
      body: JSON.stringify([{ route: "countTokens", kind: "500" }]),
    });
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBeDefined();
    expect((await apiFailure(ai.models.countTokens({ model: MODEL, contents: "q" }))).status).toBe(500);
  });

  it("resets state, progress and the record", async () => {
    const { ai, emu } = await useEmulator({ script: [{ times: 1, reply: { text: "once" } }] });
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBe("once");
    await ai.files.upload({ file: new Blob(["x"], { type: "text/plain" }) });
    const r = await raw(emu, "/__emulator/reset", { method: "POST", key: null, body: "" });
    expect(r.status).toBe(200);
    expect(emu.record.counts).toEqual({});
    expect((await ai.files.list()).pageLength).toBe(0);
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBe("once");
  });

  it("answers health", async () => {
    const { emu } = await useEmulator();
    const r = await raw(emu, "/__emulator/health", { key: null });
    expect(r.json).toMatchObject({ ok: true, url: emu.url });
  });
});
