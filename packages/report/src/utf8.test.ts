import { describe, expect, it } from "vitest";
import { decodeUtf8Text, textBytesProblem } from "./utf8.js";

const bytes = (...values: number[]) => Buffer.from(values);

describe("textBytesProblem: the one check that a project file is text gembatch can send and write back", () => {
  it("accepts UTF-8 text, a byte-order mark and characters outside the BMP", () => {
    expect(textBytesProblem(Buffer.from("\ufeffcafé 🎉\n"))).toBeNull();
    expect(textBytesProblem(bytes())).toBeNull();
  });

  it("names the first byte that breaks UTF-8: Latin-1, overlong forms, surrogates, a cut sequence", () => {
    expect(textBytesProblem(Buffer.from("caf\xe9", "latin1"))).toMatchObject({
      code: "invalid_utf8",
      offset: 3,
      where: "byte 0xE9 at offset 3",
    });
    expect(textBytesProblem(bytes(0x61, 0xc0, 0x80))).toMatchObject({ code: "invalid_utf8", offset: 1 });
    expect(textBytesProblem(bytes(0xed, 0xa0, 0x80))).toMatchObject({ code: "invalid_utf8", offset: 0 });
    expect(textBytesProblem(bytes(0x61, 0x62, 0xe2, 0x82))).toMatchObject({ code: "invalid_utf8", offset: 2 });
  });

  it("calls a NUL byte binary, with its offset", () => {
    expect(textBytesProblem(bytes(0x61, 0x62, 0x00))).toEqual({
      code: "nul_byte",
      offset: 2,
      what: "binary file (contains NUL bytes)",
      where: "a NUL byte at offset 2",
    });
  });

  it("decodes to the exact text or refuses in one line naming the field and the file", () => {
    expect(decodeUtf8Text(Buffer.from("\ufeffx = 1\n"), { field: "f", display: "a.py" })).toBe("\ufeffx = 1\n");
    expect(() =>
      decodeUtf8Text(Buffer.from("caf\xe9", "latin1"), { field: "files_to_fix[2]", display: "latin.py" }),
    ).toThrow("files_to_fix[2]: not UTF-8 text: latin.py (byte 0xE9 at offset 3)");
  });
});
