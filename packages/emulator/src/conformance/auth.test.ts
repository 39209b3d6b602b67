import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";

import { apiFailure, detail, MODEL, raw, useEmulator } from "../../test/helpers/emulator.js";

describe("API key", () => {
  it("refuses a wrong key with 400 API_KEY_INVALID, as Google does", async () => {
    const { emu } = await useEmulator();
    const ai = new GoogleGenAI({ apiKey: "wrong-key", httpOptions: { baseUrl: emu.url } });
    const { status, body } = await apiFailure(ai.models.generateContent({ model: MODEL, contents: "q" }));
    expect(status).toBe(400);
    expect(body.error.message).toBe("API key not valid. Please pass a valid API key.");
    expect(body.error.status).toBe("INVALID_ARGUMENT");
    expect(detail(body, "google.rpc.ErrorInfo")).toMatchObject({ reason: "API_KEY_INVALID", domain: "googleapis.com" });
    expect(emu.record.statuses.generateContent).toEqual({ "400": 1 });
    expect(emu.record.generate).toEqual([]);
  });

  it("refuses a missing key with 403 PERMISSION_DENIED", async () => {
    const { emu } = await useEmulator();
    const r = await raw(emu, `/v1beta/models/${MODEL}:generateContent`, { key: null, body: "{}" });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      error: {
        code: 403,
        status: "PERMISSION_DENIED",
        message:
          "Method doesn't allow unregistered callers (callers without established identity). " +
          "Please use API Key or other form of API consumer identity to call this API.",
      },
    });
  });

  it("accepts the key as ?key= too, and any non-empty key when none is configured", async () => {
    const { emu } = await useEmulator({ apiKey: undefined });
    const viaQuery = await raw(emu, `/v1beta/files?key=whatever`, { key: null });
    expect(viaQuery.status).toBe(200);
    const ai = new GoogleGenAI({ apiKey: "some-other-key", httpOptions: { baseUrl: emu.url } });
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBeDefined();
  });

  it("accepts any of several configured keys", async () => {
    const { emu } = await useEmulator({ apiKey: ["k1", "k2"] });
    expect((await raw(emu, "/v1beta/files", { key: "k2" })).status).toBe(200);
    expect((await raw(emu, "/v1beta/files", { key: "k3" })).status).toBe(400);
  });

  it("serves the private record route without a key", async () => {
    const { ai, emu } = await useEmulator();
    await ai.models.generateContent({ model: MODEL, contents: "q" });
    const r = await raw(emu, "/__emulator/record", { key: null });
    expect(r.status).toBe(200);
    expect(r.json.counts).toEqual({ generateContent: 1 });
  });
});
