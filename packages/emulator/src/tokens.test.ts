import { describe, expect, it } from "vitest";

import { contentsText, contentsTokens, countTextTokens, MEDIA_PART_TOKENS, partTokens } from "./tokens.js";

describe("token approximation", () => {
  it("counts ceil(chars / 4) for text", () => {
    expect([0, 1, 4, 5, 8].map((n) => countTextTokens("x".repeat(n)))).toEqual([0, 1, 1, 2, 2]);
  });

  it("counts text-like inline data by bytes, other media as one image", () => {
    const data = Buffer.from("a".repeat(40)).toString("base64");
    expect(partTokens({ inlineData: { mimeType: "application/json", data } })).toBe(10);
    expect(partTokens({ inlineData: { mimeType: "image/png", data } })).toBe(MEDIA_PART_TOKENS);
  });

  it("counts an uploaded text file by its size", () => {
    const lookup = (uri: string) =>
      uri.endsWith("files/abc") ? { sizeBytes: 400, mimeType: "text/plain" } : undefined;
    expect(partTokens({ fileData: { fileUri: "https://x/v1beta/files/abc" } }, lookup)).toBe(100);
    expect(partTokens({ fileData: { fileUri: "https://x/v1beta/files/zzz" } }, lookup)).toBe(MEDIA_PART_TOKENS);
  });

  it("sums over contents and joins their text one part a line", () => {
    const contents = [
      { role: "user", parts: [{ text: "abcd" }, { text: "efgh" }] },
      { role: "model", parts: [{ text: "ij" }] },
    ];
    expect(contentsTokens(contents)).toBe(3);
    expect(contentsText(contents)).toBe("abcd\nefgh\nij");
  });
});
