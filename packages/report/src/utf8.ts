import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { CliError } from "@gembatch/core";

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included), or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * A file's exact text. A byte-order mark is kept (so the text writes back byte for byte); bytes
 * that are not UTF-8 and NUL bytes (binary files) are refused, naming the field and the file.
 */
export function readUtf8File(absolute: string, options: { field: string; display: string }): { text: string; bytes: number } {
  let buffer: Buffer;
  try {
    buffer = readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? "FILE_NOT_FOUND" : "BAD_INPUT", `${options.field}: ${code === "ENOENT" ? "file not found" : `cannot read (${code})`}: ${options.display}`);
  }
  const bad = isUtf8(buffer) ? -1 : invalidUtf8Offset(buffer);
  if (bad !== -1) {
    throw new CliError("BAD_INPUT", `${options.field}: not UTF-8 text: ${options.display} (byte 0x${buffer[bad]!.toString(16).toUpperCase().padStart(2, "0")} at offset ${bad})`, {
      hint: "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) or leave it out of the report",
    });
  }
  if (buffer.includes(0)) {
    throw new CliError("BAD_INPUT", `${options.field}: binary file (contains NUL bytes): ${options.display}`, { hint: "leave binary files out of the report" });
  }
  return { text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(buffer), bytes: buffer.length };
}
