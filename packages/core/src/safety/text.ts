/**
 * What text from a model reply may hold before it is written into a project, and how any text that
 * came from outside is shown on a terminal. A reply is accepted only as valid UTF-8 text (the only
 * encoding gembatch sends files in); NUL, control characters other than tab, CR and LF, decoding
 * replacement characters and bidirectional overrides are refused unless the original file already had
 * that character.
 */

export interface TextProblem {
  code: "nul_byte" | "control_character" | "invalid_utf8" | "bidi_control";
  /** One line: what was found and where (1-based line). */
  reason: string;
}

// C0 controls except TAB (09), LF (0A), CR (0D); DEL; C1 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is this regex's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u0080-\u009F]/g;
// Trojan Source: embedding, override and isolate controls.
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
const REPLACEMENT = /\uFFFD/g;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

function codeName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

function firstNew(text: string, pattern: RegExp, allowed: string): { char: string; index: number } | null {
  pattern.lastIndex = 0;
  for (const match of text.matchAll(pattern)) {
    if (!allowed.includes(match[0])) return { char: match[0], index: match.index };
  }
  return null;
}

/**
 * The first reason `text` (a reply's file) may not be written, or null when it may. Characters the
 * original file already contains are allowed (a form feed in an old C file is the file's own).
 */
export function checkReplyText(text: string, original = ""): TextProblem | null {
  const nul = text.indexOf("\u0000");
  if (nul !== -1 && !original.includes("\u0000"))
    return { code: "nul_byte", reason: `a NUL byte at line ${lineOf(text, nul)}` };
  const bad = firstNew(text, REPLACEMENT, original);
  if (bad)
    return {
      code: "invalid_utf8",
      reason: `bytes that are not valid UTF-8 (U+FFFD) at line ${lineOf(text, bad.index)}`,
    };
  const control = firstNew(text, CONTROL, original);
  if (control)
    return {
      code: "control_character",
      reason: `a control character ${codeName(control.char)} at line ${lineOf(text, control.index)}`,
    };
  const bidi = firstNew(text, BIDI, original);
  if (bidi)
    return {
      code: "bidi_control",
      reason: `a bidirectional control ${codeName(bidi.char)} at line ${lineOf(text, bidi.index)} (it can make code read differently than it runs)`,
    };
  return null;
}

/** The first reason raw bytes are not acceptable text: invalid UTF-8 first, then as `checkReplyText`. */
export function checkReplyBytes(bytes: Uint8Array, original = ""): TextProblem | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { code: "invalid_utf8", reason: "bytes that are not valid UTF-8" };
  }
  return checkReplyText(text, original);
}

/**
 * Text safe to print on a terminal: every control character except LF, TAB and the CR of a CRLF, and the bidi controls,
 * become visible escapes (`\x1b`, `\u202e`), so an escape sequence in a reply, a file name or an error
 * cannot move the cursor, recolour or hide lines of what a reviewer reads.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- the control characters are what gets escaped
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u0080-\u009F\u202A-\u202E\u2066-\u2069]|\r(?!\n)/g,
    (char) => {
      const code = char.codePointAt(0)!;
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
}
