import { describe, expect, it } from "vitest";
import { applyFileFormat, detectFileFormat, readFileFormat } from "./file-format.js";
import { project, put } from "./test-helpers/project.js";

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

  it("reads a large file's format from its head and last byte", async () => {
    const root = project();
    const file = put(root, "big.txt", `${"x".repeat(70_000)}\r\n${"y".repeat(70_000)}`);
    expect(await readFileFormat(file)).toEqual({ eol: "\n", finalNewline: false, bom: false });
    const crlf = put(root, "crlf.txt", `a\r\n${"y".repeat(70_000)}\r\n`);
    expect(await readFileFormat(crlf)).toEqual({ eol: "\r\n", finalNewline: true, bom: false });
    expect(await readFileFormat(`${root}/missing.txt`)).toBeUndefined();
  });
});
