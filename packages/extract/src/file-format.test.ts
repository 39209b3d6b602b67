import { describe, expect, it } from "vitest";
import { applyFileFormat, detectFileFormat } from "./file-format.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("file format", () => {
  it("detects line ending, final newline and BOM", () => {
    expect(detectFileFormat(bytes("a\r\nb\r\n"))).toEqual({ eol: "\r\n", finalNewline: true, bom: false });
    expect(detectFileFormat(bytes("a\nb"))).toEqual({ eol: "\n", finalNewline: false, bom: false });
    expect(detectFileFormat(bytes("\uFEFFa\n"))).toEqual({ eol: "\n", finalNewline: true, bom: true });
    expect(detectFileFormat(bytes(""))).toEqual({ eol: "\n", finalNewline: true, bom: false });
  });

  it("gives extracted content the original's conventions", () => {
    expect(applyFileFormat("a\nb\n", { eol: "\r\n", finalNewline: true, bom: false })).toBe("a\r\nb\r\n");
    expect(applyFileFormat("a\nb\n", { eol: "\r\n", finalNewline: false, bom: false })).toBe("a\r\nb");
    expect(applyFileFormat("a\n", { eol: "\n", finalNewline: true, bom: true })).toBe("\uFEFFa\n");
    expect(applyFileFormat("a\n", { eol: "\n", finalNewline: true, bom: false })).toBe("a\n");
  });
});
