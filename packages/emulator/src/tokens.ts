/**
 * Deterministic token counting. Gemini's tokenizer is not public, so the emulator uses a fixed
 * approximation that is stable across runs and close to Google's rule of thumb (about 4 characters
 * a token for English and code):
 * - text: ceil(length / 4), length in UTF-16 code units;
 * - inline data or an uploaded file that is text (text/*, JSON, JSONL, XML, JS): ceil(bytes / 4);
 * - any other media part: 258 tokens, the figure Google documents for one image;
 * - function calls and responses, code parts: their JSON counted as text.
 */
export const MEDIA_PART_TOKENS = 258;

export function countTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function isTextMime(mimeType: string | undefined): boolean {
  if (!mimeType) return false;
  return /^text\//.test(mimeType) || /(json|jsonl|xml|javascript|typescript|yaml|x-sh|x-python)/.test(mimeType);
}

/** Looks up an uploaded file by the `fileUri` of a fileData part; returns its size and type if known. */
export type FileLookup = (fileUri: string) => { sizeBytes: number; mimeType: string } | undefined;

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

export function partTokens(part: unknown, lookup?: FileLookup): number {
  const p = asObject(part);
  if (!p) return 0;
  if (typeof p.text === "string") return countTextTokens(p.text);
  const inline = asObject(p.inlineData ?? p.inline_data);
  if (inline) {
    const mime = typeof inline.mimeType === "string" ? inline.mimeType : undefined;
    if (!isTextMime(mime)) return MEDIA_PART_TOKENS;
    const data = typeof inline.data === "string" ? inline.data : "";
    return Math.ceil(Buffer.byteLength(data, "base64") / 4);
  }
  const fileData = asObject(p.fileData ?? p.file_data);
  if (fileData) {
    const uri = typeof fileData.fileUri === "string" ? fileData.fileUri : "";
    const file = lookup?.(uri);
    return file && isTextMime(file.mimeType) ? Math.ceil(file.sizeBytes / 4) : MEDIA_PART_TOKENS;
  }
  return countTextTokens(JSON.stringify(p));
}

function contentTokens(content: unknown, lookup?: FileLookup): number {
  const parts = asObject(content)?.parts;
  if (!Array.isArray(parts)) return 0;
  return parts.reduce<number>((sum, part) => sum + partTokens(part, lookup), 0);
}

export function contentsTokens(contents: unknown, lookup?: FileLookup): number {
  if (!Array.isArray(contents)) return contentTokens(contents, lookup);
  return contents.reduce<number>((sum, content) => sum + contentTokens(content, lookup), 0);
}

/** The text of every text part, one part per line (what script matchers search). */
export function contentsText(contents: unknown): string {
  const list = Array.isArray(contents) ? contents : contents === undefined ? [] : [contents];
  const lines: string[] = [];
  for (const content of list) {
    const parts = asObject(content)?.parts;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      const text = asObject(part)?.text;
      if (typeof text === "string") lines.push(text);
    }
  }
  return lines.join("\n");
}
