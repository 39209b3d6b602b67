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
