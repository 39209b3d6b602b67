import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { createLineIndex, excludedByNearby, findMatches, type LineIndex } from "./match.js";
import type { CompiledRule } from "./rules/compile.js";
import type { Severity } from "./rules/schema.js";
import { isSuppressed } from "./suppress.js";
import type { Skipped } from "./walk.js";

export interface Finding {
  rule: string;
  severity: Severity;
  /** Posix path relative to the project root. */
  file: string;
  /** 1-based; columns count UTF-16 code units, as SARIF's default columnKind does. */
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  /** The matched text, cut to 200 characters. */
  match: string;
  message: string;
  fix_hint?: string;
  context: { before: string[]; line: string; after: string[] };
  /** Stable across line moves: rule, file and the trimmed text of the reported line. */
  fingerprint: string;
}

export interface FileScan {
  findings: Finding[];
  suppressed: number;
  filtered: number;
}

export interface ScanTextOptions {
  contextLines: number;
}

const MAX_MATCH = 200;
const MAX_LINE = 240;

function clip(text: string, max: number): string {
  const clean = text.replace(/\r$/, "");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function fingerprintOf(rule: string, file: string, lineText: string): string {
  const normalized = lineText.trim().replace(/\s+/g, " ");
  return createHash("sha1").update(`${rule}\0${file}\0${normalized}`).digest("hex").slice(0, 16);
}

function contextOf(index: LineIndex, line: number, count: number): Finding["context"] {
  const before: string[] = [];
  const after: string[] = [];
  for (let l = Math.max(1, line - count); l < line; l++) before.push(clip(index.lineText(l), MAX_LINE));
  for (let l = line + 1; l <= Math.min(index.lineCount, line + count); l++) after.push(clip(index.lineText(l), MAX_LINE));
  return { before, line: clip(index.lineText(line), MAX_LINE), after };
}

/** The findings of every applicable rule in one file's text. */
export function scanText(file: string, text: string, rules: CompiledRule[], options: ScanTextOptions): FileScan {
  const result: FileScan = { findings: [], suppressed: 0, filtered: 0 };
  let index: LineIndex | undefined;
  for (const rule of rules) {
    const spans = findMatches(rule, text);
    if (spans.length === 0) continue;
    index ??= createLineIndex(text);
    for (const span of spans) {
      const firstLine = index.lineOf(span.start);
      const lastLine = index.lineOf(Math.max(span.start, span.end - 1));
      let line = firstLine;
      let startOffset = span.start;
      if (rule.spec.anchor === "end" && lastLine > firstLine) {
        line = lastLine;
        startOffset = index.startOf(lastLine);
      }
      // Point at the code, not at the indentation a `^[ \t]*` pattern swallowed.
      while (startOffset < span.end - 1 && (text[startOffset] === " " || text[startOffset] === "\t")) startOffset++;
      const lineText = index.lineText(line);
      if (isSuppressed(rule.id, lineText, index.lineText(line - 1))) {
        result.suppressed++;
        continue;
      }
      if (excludedByNearby(rule, index, firstLine, lastLine)) {
        result.filtered++;
        continue;
      }
      result.findings.push({
        rule: rule.id,
        severity: rule.severity,
        file,
        line,
        column: startOffset - index.startOf(line) + 1,
        end_line: lastLine,
        end_column: span.end - index.startOf(lastLine) + 1,
        match: clip(text.slice(startOffset, span.end), MAX_MATCH),
        message: rule.message,
        ...(rule.fixHint ? { fix_hint: rule.fixHint } : {}),
        context: contextOf(index, line, options.contextLines),
        fingerprint: fingerprintOf(rule.id, file, lineText),
      });
    }
  }
  return result;
}

export type ReadOutcome = { text: string } | { skip: Omit<Skipped, "file"> };

function decode(buffer: Buffer, maxBytes: number, size: number): ReadOutcome {
  if (size > maxBytes) return { skip: { reason: "too-large", detail: `${size} bytes > max_file_bytes ${maxBytes}` } };
  if (buffer.indexOf(0) !== -1) return { skip: { reason: "binary", detail: "contains NUL bytes" } };
  // A UTF-8 byte-order mark is not text: without it `^` anchors work on the first line (rg strips it too).
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return { text: buffer.toString("utf8", bom) };
}

function unreadable(error: unknown): { skip: Omit<Skipped, "file"> } {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  return { skip: { reason: "unreadable", detail: code } };
}

/** Read a file for scanning: huge files are not read at all, binary ones (a NUL byte) are refused. */
export function readForScanSync(absolute: string, maxBytes: number): ReadOutcome {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, "r");
    const size = fstatSync(fd).size;
    if (size > maxBytes) return decode(Buffer.alloc(0), maxBytes, size);
    const buffer = readFileSync(fd);
    return decode(buffer, maxBytes, buffer.length);
  } catch (error) {
    return unreadable(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
