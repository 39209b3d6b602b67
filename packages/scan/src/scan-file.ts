import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { createLineIndex, excludedByNearby, findMatches, type LineIndex } from "./match.js";
import { astLanguageFor } from "./rules/ast.js";
import { containsBytes, type BytePattern } from "./rules/byte-search.js";
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

interface ScanTextOptions {
  contextLines: number;
}

const MAX_MATCH = 200;
const MAX_LINE = 240;

/**
 * A copy of a piece of the file's text. V8 keeps a slice as a view of its parent string, so a
 * finding that held one would keep the whole file in memory for the rest of the scan.
 */
function detach(text: string): string {
  return ` ${text}`.slice(1);
}

function clip(text: string, max: number): string {
  const clean = text.replace(/\r$/, "");
  return detach(clean.length > max ? `${clean.slice(0, max - 1)}…` : clean);
}

export function fingerprintOf(rule: string, file: string, lineText: string): string {
  const normalized = lineText.trim().replace(/\s+/g, " ");
  return createHash("sha1").update(`${rule}\0${file}\0${normalized}`).digest("hex").slice(0, 16);
}

function fingerprintAt(cache: Map<number, string>, line: number, compute: () => string): string {
  let fingerprint = cache.get(line);
  if (fingerprint === undefined) cache.set(line, (fingerprint = compute()));
  return fingerprint;
}

function contextOf(index: LineIndex, line: number, count: number): Finding["context"] {
  const before: string[] = [];
  const after: string[] = [];
  for (let l = Math.max(1, line - count); l < line; l++) before.push(clip(index.lineText(l), MAX_LINE));
  for (let l = line + 1; l <= Math.min(index.lineCount, line + count); l++)
    after.push(clip(index.lineText(l), MAX_LINE));
  return { before, line: clip(index.lineText(line), MAX_LINE), after };
}

/** The findings of every applicable rule in one file's text. */
export function scanText(file: string, text: string, rules: CompiledRule[], options: ScanTextOptions): FileScan {
  const result: FileScan = { findings: [], suppressed: 0, filtered: 0 };
  let index: LineIndex | undefined;
  const mayBeSuppressed = text.includes("gembatch-ignore");
  // A minified line can hold hundreds of matches: its hash is computed once per rule, not per match.
  const fingerprints = new Map<number, string>();
  for (const rule of rules) {
    fingerprints.clear();
    const spans = findMatches(rule, text, file);
    if (spans.length === 0) continue;
    // not_nearby is the regex form's way of guessing structure; a parsed match needs no such guess.
    const structural = astLanguageFor(rule.spec, file) !== undefined;
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
      if (mayBeSuppressed && isSuppressed(rule.id, index.lineText(line), index.lineText(line - 1))) {
        result.suppressed++;
        continue;
      }
      if (!structural && excludedByNearby(rule, index, firstLine, lastLine)) {
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
        fingerprint: fingerprintAt(fingerprints, line, () => fingerprintOf(rule.id, file, index!.lineText(line))),
      });
    }
  }
  return result;
}

export type ReadOutcome = { text: string } | { skip: Omit<Skipped, "file"> };

type Skip = { skip: Omit<Skipped, "file"> };

function refusal(buffer: Buffer, maxBytes: number, size: number): Skip | undefined {
  if (size > maxBytes) return { skip: { reason: "too-large", detail: `${size} bytes > max_file_bytes ${maxBytes}` } };
  if (buffer.indexOf(0) !== -1) return { skip: { reason: "binary", detail: "contains NUL bytes" } };
  return undefined;
}

function decode(buffer: Buffer, maxBytes: number, size: number): ReadOutcome {
  const refused = refusal(buffer, maxBytes, size);
  if (refused) return refused;
  // A UTF-8 byte-order mark is not text: without it `^` anchors work on the first line (rg strips it too).
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return { text: buffer.toString("utf8", bom) };
}

function unreadable(error: unknown): Skip {
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

let scratch = Buffer.allocUnsafe(64 * 1024);

/** Whether a rule can match these bytes at all: each of its literal sets has a member present. */
function mayMatch(rule: CompiledRule, file: string, bytes: Buffer, seen: Map<BytePattern, boolean>): boolean {
  const sets = astLanguageFor(rule.spec, file) ? rule.astByteSets : rule.hasPattern ? rule.byteSets : null;
  if (!sets) return rule.hasPattern || astLanguageFor(rule.spec, file) !== undefined;
  return sets.every((set) =>
    set.some((literal) => {
      let found = seen.get(literal);
      if (found === undefined) seen.set(literal, (found = containsBytes(bytes, literal)));
      return found;
    }),
  );
}

type ScanOutcome = Skip | { scan: FileScan };

/** Read a whole file into the reused buffer (growing it when the file grew since its fstat). */
function readAll(fd: number, size: number): Buffer {
  if (scratch.length < size + 1) scratch = Buffer.allocUnsafe(Math.max(size + 1, scratch.length * 2));
  let length = 0;
  for (;;) {
    const n = readSync(fd, scratch, length, scratch.length - length, null);
    if (n === 0) return scratch.subarray(0, length);
    length += n;
    if (length === scratch.length) {
      const larger = Buffer.allocUnsafe(scratch.length * 2);
      scratch.copy(larger);
      scratch = larger;
    }
  }
}

/**
 * Read and scan one file, decoding it only when one of its rules can match: most files of a large
 * tree hold none of the rules' literals, and a byte search is far cheaper than decoding plus regexes.
 * The read goes into one reused buffer; the decoded text is the only per-file allocation.
 */
export function scanFileSync(
  absolute: string,
  file: string,
  rules: CompiledRule[],
  options: ScanTextOptions & { maxBytes: number },
): ScanOutcome {
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(absolute, "r");
    const size = fstatSync(fd).size;
    if (size > options.maxBytes) return refusal(Buffer.alloc(0), options.maxBytes, size)!;
    bytes = readAll(fd, size);
  } catch (error) {
    return unreadable(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const refused = refusal(bytes, options.maxBytes, bytes.length);
  if (refused) return refused;
  const seen = new Map<BytePattern, boolean>();
  const candidates = rules.filter((rule) => mayMatch(rule, file, bytes, seen));
  if (candidates.length === 0) return { scan: { findings: [], suppressed: 0, filtered: 0 } };
  const outcome = decode(bytes, options.maxBytes, bytes.length);
  if ("skip" in outcome) return outcome;
  return { scan: scanText(file, outcome.text, candidates, options) };
}
