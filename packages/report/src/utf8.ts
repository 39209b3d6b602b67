import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { CliError } from "@gembatch/core";

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included), or -1. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
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

interface TextBytesProblem {
  code: "invalid_utf8" | "nul_byte";
  /** Offset of the first offending byte. */
  offset: number;
  /** What the bytes are, for a message: `not UTF-8 text`, `binary file (contains NUL bytes)`. */
  what: string;
  /** Where, for a message: `byte 0xE9 at offset 3`. */
  where: string;
}

/**
 * Why bytes cannot be handled as text (gembatch sends and writes back files as UTF-8 only), or null.
 * The one check for every project file that is read to be sent: a file the model would see as U+FFFD
 * could never be written back byte for byte.
 */
export function textBytesProblem(bytes: Uint8Array): TextBytesProblem | null {
  const bad = isUtf8(bytes) ? -1 : invalidUtf8Offset(bytes);
  if (bad !== -1)
    return {
      code: "invalid_utf8",
      offset: bad,
      what: "not UTF-8 text",
      where: `byte 0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, "0")} at offset ${bad}`,
    };
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    return {
      code: "nul_byte",
      offset: nul,
      what: "binary file (contains NUL bytes)",
      where: `a NUL byte at offset ${nul}`,
    };
  return null;
}

/** The one-line reason a file is not taken, without its name: `not UTF-8 text (byte 0xE9 at offset 3)`. */
export function describeTextProblem(problem: TextBytesProblem): string {
  return `${problem.what} (${problem.where})`;
}

/** Bytes as text, or BAD_INPUT naming the field, the file and the offending byte. A byte-order mark is kept. */
export function decodeUtf8Text(bytes: Uint8Array, options: { field: string; display: string }): string {
  const problem = textBytesProblem(bytes);
  if (problem) {
    throw new CliError("BAD_INPUT", `${options.field}: ${problem.what}: ${options.display} (${problem.where})`, {
      hint:
        problem.code === "invalid_utf8"
          ? "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) or leave it out"
          : "leave binary files out",
    });
  }
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/**
 * A file's exact text, read as given (for files the user names that may lie outside the project;
 * project files go through `readProjectText`). Bytes that are not UTF-8 and NUL bytes are refused.
 */
export function readUtf8File(
  absolute: string,
  options: { field: string; display: string },
): { text: string; bytes: number } {
  let buffer: Buffer;
  try {
    buffer = readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === "ENOENT" ? "FILE_NOT_FOUND" : "BAD_INPUT",
      `${options.field}: ${code === "ENOENT" ? "file not found" : `cannot read (${code})`}: ${options.display}`,
    );
  }
  return { text: decodeUtf8Text(buffer, options), bytes: buffer.length };
}
