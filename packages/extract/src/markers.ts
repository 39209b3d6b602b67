/** `<!-- CODE_FILE_START: path -->` in any case and spacing, with or without the path. */
const MARKER = /^\s*<!--\s*code[\s_-]*file[\s_-]*(start|end)\b\s*[:=]?\s*(.*?)\s*-->\s*$/i;
/** The same marker anywhere in a line, for the instructions inside a request. */
const INLINE_START = /<!--\s*code[\s_-]*file[\s_-]*start\b\s*[:=]?\s*(.*?)\s*-->/gi;

interface MarkerLine {
  kind: "start" | "end";
  /** The path as written (quotes and backticks removed); undefined when the marker names none. */
  path: string | undefined;
}

export interface Fence {
  char: "`" | "~";
  length: number;
  /** Columns of whitespace before the fence; stripped from each content line, as CommonMark does. */
  indent: number;
  info: string;
}

const BACKTICK = 0x60;
const TILDE = 0x7e;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

function cleanMarkerPath(raw: string): string | undefined {
  const cleaned = raw
    .trim()
    .replace(/^[`"'*[(<]+|[`"'*\])>]+$/g, "")
    .trim();
  return cleaned === "" ? undefined : cleaned;
}

export function parseMarkerLine(line: string): MarkerLine | undefined {
  const match = MARKER.exec(line);
  if (!match) return undefined;
  return { kind: match[1]!.toLowerCase() === "start" ? "start" : "end", path: cleanMarkerPath(match[2] ?? "") };
}

/** The focus file a request asks for: the path in its last CODE_FILE_START instruction. */
export function lastStartMarkerPath(text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(INLINE_START)) {
    const path = cleanMarkerPath(match[1] ?? "");
    if (path !== undefined && !/^path$|^<.*>$|^\[.*\]$/i.test(path)) found = path;
  }
  return found;
}

function skipBlanks(text: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

function lineEnd(text: string, start: number, end: number): number {
  return end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
}

/** An opening fence: 3+ backticks or tildes, then an optional info string (no backticks after a backtick fence). */
export function parseOpeningFence(text: string, start: number, end: number): Fence | undefined {
  const stop = lineEnd(text, start, end);
  const at = skipBlanks(text, start, stop);
  const c = text.charCodeAt(at);
  if (c !== BACKTICK && c !== TILDE) return undefined;
  let i = at;
  while (i < stop && text.charCodeAt(i) === c) i++;
  const length = i - at;
  if (length < 3) return undefined;
  const info = text.slice(i, stop).trim();
  if (c === BACKTICK && info.includes("`")) return undefined;
  return { char: c === BACKTICK ? "`" : "~", length, indent: at - start, info };
}

/**
 * How a line inside a fenced block relates to its fence: "close" ends it (same character, at least as
 * long, nothing after), "collides" is a run of the fence character at least as long with text after it
 * (another opening fence: the file itself holds the fence, so the block boundary cannot be trusted).
 */
export function classifyFenceLine(
  text: string,
  start: number,
  end: number,
  fence: Fence,
): "close" | "collides" | "content" {
  const stop = lineEnd(text, start, end);
  const at = skipBlanks(text, start, stop);
  const code = fence.char === "`" ? BACKTICK : TILDE;
  if (text.charCodeAt(at) !== code) return "content";
  let i = at;
  while (i < stop && text.charCodeAt(i) === code) i++;
  if (i - at < fence.length) return "content";
  return skipBlanks(text, i, stop) === stop ? "close" : "collides";
}

/** The language named by a fence's info string: `python`, `{.python}`, `py title="a.py"` → first word. */
export function fenceLanguage(info: string): string | undefined {
  const word = info
    .trim()
    .split(/\s+/, 1)[0]
    ?.replace(/^\{?\.?|\}$/g, "")
    .toLowerCase();
  return word ? word : undefined;
}

/** Whether a line could be a marker, before paying for the regular expression. */
export function mayBeMarker(text: string, start: number, end: number): boolean {
  const at = skipBlanks(text, start, end);
  return text.charCodeAt(at) === 0x3c && text.startsWith("<!--", at);
}

export function isBlank(text: string, start: number, end: number): boolean {
  const stop = lineEnd(text, start, end);
  return skipBlanks(text, start, stop) === stop;
}

export function lineText(text: string, start: number, end: number): string {
  return text.slice(start, lineEnd(text, start, end));
}
