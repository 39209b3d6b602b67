import { astLanguageFor, findAstMatches } from "./rules/ast.js";
import type { CompiledRule } from "./rules/compile.js";

interface Span {
  start: number;
  end: number;
}

export interface LineIndex {
  readonly text: string;
  readonly lineCount: number;
  /** 1-based line of an offset. */
  lineOf(offset: number): number;
  startOf(line: number): number;
  /** The line's text without its `\n` (a CR before it is kept, as in the file). */
  lineText(line: number): string;
}

/** Offsets of line starts, built once per file on its first match. */
export function createLineIndex(text: string): LineIndex {
  const starts = [0];
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
  // A final newline ends the last line; it does not start an empty one.
  if (starts.length > 1 && starts[starts.length - 1] === text.length) starts.pop();
  const lastEnd = text.endsWith("\n") ? text.length - 1 : text.length;
  return {
    text,
    lineCount: starts.length,
    lineOf(offset) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    },
    startOf(line) {
      return starts[line - 1] ?? text.length;
    },
    lineText(line) {
      if (line < 1 || line > starts.length) return "";
      const start = starts[line - 1]!;
      const next = starts[line];
      return text.slice(start, next === undefined ? lastEnd : next - 1);
    },
  };
}

function matchLine(rule: CompiledRule, text: string, lineStart: number, lineEnd: number, out: Span[]): void {
  const regex = rule.lineRegex!;
  const line = text.slice(lineStart, lineEnd);
  regex.lastIndex = 0;
  for (let m = regex.exec(line); m; m = regex.exec(line)) {
    if (m[0].length === 0) {
      regex.lastIndex = m.index + 1;
      continue;
    }
    out.push({ start: lineStart + m.index, end: lineStart + m.index + m[0].length });
  }
}

function eachLine(text: string, visit: (start: number, end: number) => void): void {
  let start = 0;
  for (;;) {
    const newline = text.indexOf("\n", start);
    visit(start, newline === -1 ? text.length : newline);
    if (newline === -1) return;
    start = newline + 1;
  }
}

/**
 * Line mode has grep/rg semantics: the regex is applied to each line without its terminator, and
 * only lines that can match are visited: those holding one of the rule's required literals, or
 * else those the whole-text regex finds (its `m` and dotAll flags make it match at least wherever
 * a single line would).
 */
function matchLines(rule: CompiledRule, text: string): Span[] {
  const out: Span[] = [];
  if (!rule.literals && rule.perLineOnly) {
    eachLine(text, (start, end) => matchLine(rule, text, start, end, out));
    return out;
  }
  const regex = rule.literals ?? rule.regex;
  let position = 0;
  while (position <= text.length) {
    regex.lastIndex = position;
    const m = regex.exec(text);
    if (!m) break;
    const lineStart = text.lastIndexOf("\n", m.index - 1) + 1;
    const newline = text.indexOf("\n", m.index);
    const lineEnd = newline === -1 ? text.length : newline;
    matchLine(rule, text, lineStart, lineEnd, out);
    position = lineEnd + 1;
  }
  return out;
}

function matchWhole(rule: CompiledRule, text: string): Span[] {
  const out: Span[] = [];
  const regex = rule.regex;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    if (m[0].length === 0) {
      regex.lastIndex = m.index + 1;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function contains(regex: RegExp, text: string): boolean {
  regex.lastIndex = 0;
  return regex.test(text);
}

/**
 * Every match of one rule in a text, in order, before suppression and the not-nearby filter. A
 * structural rule parses the file when its language has a parser, and else uses its regex form.
 */
export function findMatches(rule: CompiledRule, text: string, file = ""): Span[] {
  const language = astLanguageFor(rule.spec, file);
  if (language)
    return rule.astPrefilter.every((regex) => contains(regex, text)) ? findAstMatches(rule.spec, language, text) : [];
  if (!rule.hasPattern) return [];
  // A text that lacks one of the literals every match needs cannot match: skip the regex.
  if (!rule.requirements.every((regex) => contains(regex, text))) return [];
  if (rule.multiline) return !rule.literals || contains(rule.literals, text) ? matchWhole(rule, text) : [];
  return matchLines(rule, text);
}

/** True when the rule's not-nearby pattern matches within its window around the lines of a match. */
export function excludedByNearby(rule: CompiledRule, index: LineIndex, firstLine: number, lastLine: number): boolean {
  if (!rule.notNearby) return false;
  const from = Math.max(1, firstLine - rule.notNearby.lines);
  const to = Math.min(index.lineCount, lastLine + rule.notNearby.lines);
  const start = index.startOf(from);
  const end = to >= index.lineCount ? index.text.length : index.startOf(to + 1);
  return rule.notNearby.regex.test(index.text.slice(start, end));
}
