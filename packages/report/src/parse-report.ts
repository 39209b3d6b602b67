import { readFileSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { CliError } from "@gembatch/core";
import {
  ALL_CONTEXT_HEADING,
  CONTEXT_FIELDS,
  CONTEXT_HEADING,
  DETAILS_HEADING,
  endMarker,
  FILES_HEADING,
  NO_FINAL_NEWLINE,
  TITLE_PREFIX,
} from "./format.js";
import { normalizeDetails } from "./render-report.js";

interface ParsedContextFile {
  path: string;
  /** The file's text, byte for byte as it was written into the report. */
  content: string;
  language: string;
}

export interface ParsedReport {
  issue: string;
  project: string;
  task: string;
  status: string;
  filesToFix: string[];
  details: string;
  contextFiles: ParsedContextFile[];
}

function malformed(message: string): CliError {
  return new CliError("BAD_INPUT", `issue report: ${message}`, {
    hint: "write reports with `gembatch report`, or follow the layout in the @gembatch/report README",
  });
}

/** Index of `line` as a whole line at or after `from`, or -1. */
function findLine(text: string, line: string, from: number): number {
  let at = text.indexOf(line, from);
  while (at !== -1) {
    const startsLine = at === 0 || text[at - 1] === "\n";
    const end = at + line.length;
    const endsLine = end === text.length || text[end] === "\n" || (text[end] === "\r" && text[end + 1] === "\n");
    if (startsLine && endsLine) return at;
    at = text.indexOf(line, at + 1);
  }
  return -1;
}

function lineAt(text: string, at: number): { line: string; next: number } {
  const newline = text.indexOf("\n", at);
  const end = newline === -1 ? text.length : newline;
  return { line: text.slice(at, end).replace(/\r$/, ""), next: newline === -1 ? text.length : newline + 1 };
}

function sectionLines(text: string, from: number, to: number): string[] {
  return text
    .slice(from, to)
    .split("\n")
    .map((line) => line.replace(/\r$/, ""));
}

function parseBlocks(text: string, from: number): ParsedContextFile[] {
  const files: ParsedContextFile[] = [];
  let at = from;
  while (at < text.length) {
    const { line, next } = lineAt(text, at);
    const start = /^<!-- CODE_CONTEXT_START: (.*) -->$/.exec(line);
    if (!start) {
      at = next; // blank lines and prose between blocks carry nothing
      continue;
    }
    const file = start[1]!;
    const open = lineAt(text, next);
    const fence = /^(`{3,})([^`]*)$/.exec(open.line);
    if (!fence) throw malformed(`${file}: expected an opening code fence after its CODE_CONTEXT_START marker`);
    const [, ticks, language] = fence;
    const bodyStart = open.next;
    // The fence is longer than any backtick run in the file, so its first whole-line occurrence closes the block.
    const close = findLine(text, ticks!, bodyStart);
    if (close === -1) throw malformed(`${file}: its code fence is never closed`);
    let body = text.slice(bodyStart, close);
    let after = lineAt(text, close).next;
    let marker = lineAt(text, after);
    if (marker.line === NO_FINAL_NEWLINE) {
      if (!body.endsWith("\n")) throw malformed(`${file}: ${NO_FINAL_NEWLINE} after a body without the added newline`);
      body = body.slice(0, -1);
      after = marker.next;
      marker = lineAt(text, after);
    }
    if (marker.line !== endMarker(file))
      throw malformed(`${file}: expected "${endMarker(file)}" after its closing fence`);
    files.push({ path: file, content: body, language: language!.trim() });
    at = marker.next;
  }
  return files;
}

/**
 * Read a report back: the title's issue, the context fields, the files to fix, the details and every context file
 * exactly.
 */
export function parseReport(text: string): ParsedReport {
  const first = lineAt(text, 0).line;
  if (!first.startsWith(TITLE_PREFIX)) throw malformed(`the first line must start with "${TITLE_PREFIX}"`);
  const headings = [CONTEXT_HEADING, FILES_HEADING, DETAILS_HEADING, ALL_CONTEXT_HEADING];
  const positions: number[] = [];
  let from = 0;
  for (const heading of headings) {
    const at = findLine(text, heading, from);
    if (at === -1) throw malformed(`missing the "${heading}" section`);
    positions.push(at);
    from = lineAt(text, at).next;
  }
  const [contextAt, filesAt, detailsAt, allAt] = positions as [number, number, number, number];
  const fields: Record<string, string> = {};
  for (const line of sectionLines(text, lineAt(text, contextAt).next, filesAt)) {
    const match = /^- \*\*(\w+)\*\*: (.*)$/.exec(line);
    if (match) fields[match[1]!.toLowerCase()] = match[2]!;
  }
  const filesToFix: string[] = [];
  for (const line of sectionLines(text, lineAt(text, filesAt).next, detailsAt)) {
    const match = /^(?:\d+\.|[-*])\s+(.+)$/.exec(line);
    if (match) filesToFix.push(match[1]!.replace(/^`(.*)`$/, "$1").trim());
  }
  return {
    issue: first.slice(TITLE_PREFIX.length).trim(),
    project: fields[CONTEXT_FIELDS.project.toLowerCase()] ?? "",
    task: fields[CONTEXT_FIELDS.task.toLowerCase()] ?? "",
    status: fields[CONTEXT_FIELDS.status.toLowerCase()] ?? "",
    filesToFix,
    details: normalizeDetails(text.slice(lineAt(text, detailsAt).next, allAt)),
    contextFiles: parseBlocks(text, lineAt(text, allAt).next),
  };
}

/** Read and parse a report file; a report that is not UTF-8 is refused. */
export function readReport(file: string, display = file): ParsedReport {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    throw new CliError("FILE_NOT_FOUND", `${display}: issue report not found`);
  }
  if (!isUtf8(buffer)) throw new CliError("BAD_INPUT", `${display}: issue report is not UTF-8 text`);
  return parseReport(new TextDecoder("utf-8", { ignoreBOM: true }).decode(buffer));
}
