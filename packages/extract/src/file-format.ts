import { open } from "node:fs/promises";
import type { FileFormat } from "./types.js";

export const DEFAULT_FORMAT: FileFormat = { eol: "\n", finalNewline: true, bom: false };

/** Line ending (from the first line break), final newline and UTF-8 BOM of an existing file's bytes. */
export function detectFileFormat(bytes: Uint8Array): FileFormat {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const newline = bytes.indexOf(0x0a);
  const eol = newline > 0 && bytes[newline - 1] === 0x0d ? "\r\n" : "\n";
  const body = bytes.length - (bom ? 3 : 0);
  const finalNewline = body === 0 || bytes[bytes.length - 1] === 0x0a;
  return { eol, finalNewline, bom };
}

/**
 * Give extracted content (LF, final newline) the original file's conventions, so a diff against the
 * project shows only what the model changed: CRLF stays CRLF, a file without a final newline keeps
 * none, a BOM is kept.
 */
export function applyFileFormat(content: string, format: FileFormat): string {
  let out = format.eol === "\r\n" ? content.replace(/\n/g, "\r\n") : content;
  if (!format.finalNewline && out.endsWith(format.eol)) out = out.slice(0, -format.eol.length);
  if (format.bom && !out.startsWith("\uFEFF")) out = `\uFEFF${out}`;
  return out;
}

/** The format of a file on disk from its first 64 KiB and last byte; undefined when it is not a readable file. */
export async function readFileFormat(file: string): Promise<FileFormat | undefined> {
  let handle;
  try {
    handle = await open(file, "r");
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(size, 65_536));
    await handle.read(head, 0, head.length, 0);
    const format = detectFileFormat(head);
    if (size > head.length) {
      const last = new Uint8Array(1);
      await handle.read(last, 0, 1, size - 1);
      format.finalNewline = last[0] === 0x0a;
    }
    return format;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
