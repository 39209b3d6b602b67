import { commentStyle, languageOf, type CommentStyle } from "./language.js";

interface ElisionHit {
  /** 1-based line in the content. */
  line: number;
  /** The placeholder line, trimmed and cut to 120 characters. */
  text: string;
}

const NOUNS =
  "code|implementation|implementations|logic|content|contents|methods?|functions?|imports|definitions|classes|class|tests?|lines|body|fields|routes|handlers|helpers|config|configuration|styles|rules|properties|members|declarations|cases|exports|setup|file|module|component|template|script|program";
const REST_OF = new RegExp(`\\brest of (?:the |this |your |my )?(?:\\w+ )?(?:${NOUNS})\\b`);
const KEPT_NOUN = new RegExp(
  `\\b(?:existing|previous|original|other|remaining|unchanged|old|prior) (?:\\w+ )?(?:${NOUNS})\\b`,
);
const KEPT_VERB =
  /\b(?:unchanged|remains?|stays?|same|here|as[- ]is|as before|omitted|goes|go|kept|preserved|retained|untouched|not shown|elided|continues?|follows?)\b/;
const CUT_WORD = /\b(?:omitted|elided|snipped|truncated)\b/;
const CUT_NOUN = /\b(?:code|implementation|content|contents|body|lines?|rest|remaining|here|\d+)\b/;
const UNCHANGED = /\bunchanged\b|\b(?:remains?|stays?) the same\b/;
const WEAK_SAME = /\b(?:same as|as before|as above|no changes?)\b/;
const AFTER_LEADING_DOTS =
  /\b(?:rest|existing|unchanged|remaining|previous|original|omitted|elided|snip|snipped|truncated|implementation|code|same|other|more|etc|keep|here|lines)\b/;

/** Every rule below needs one of these; most comments have none, and this test is far cheaper than the rules. */
const GATE =
  /\.\.\.|…|rest\W+of|existing|previous|original|other|remaining|unchanged|\bold\b|prior|brevity|omitted|elided|snip|truncated|the\W+same|same\W+as|as\W+before|as\W+above|no\W+change/i;

/** Is this comment text a placeholder standing in for code? Tuned to miss ordinary explanatory comments. */
function isPlaceholderComment(comment: string): boolean {
  if (!GATE.test(comment)) return false;
  const body = comment.toLowerCase().replace(/…/g, "...").trim();
  const undecorated = body.replace(/^[\s*[({<"'`-]+|[\s*\])}>"'`:;,-]+$/g, "");
  const wrapped = /^[[({<]/.test(body);
  const hasEllipsis = undecorated.includes("...");
  const words = undecorated
    .replace(/\.{2,}/g, " ")
    .replace(/[^a-z0-9' ]+/g, " ")
    .trim();
  const count = words === "" ? 0 : words.split(/\s+/).length;
  const leading = undecorated.startsWith("...");
  const trailing = undecorated.endsWith("...");

  if (count === 0) return hasEllipsis || /^(?:snip|snipped)$/.test(undecorated);
  if (/^(?:snip|snipped|omitted|elided|truncated)$/.test(words)) return true;
  if (REST_OF.test(words)) return true;
  if (KEPT_NOUN.test(words) && (hasEllipsis || KEPT_VERB.test(words))) return true;
  if (/\bfor brevity\b/.test(words)) return true;
  if (CUT_WORD.test(words) && (hasEllipsis || (count <= 4 && CUT_NOUN.test(words)))) return true;
  if (count <= 5 && (UNCHANGED.test(words) || ((hasEllipsis || wrapped) && WEAK_SAME.test(words)))) return true;
  if (leading && trailing && count <= 8) return true;
  if (leading && AFTER_LEADING_DOTS.test(words)) return true;
  if (trailing && count <= 3 && AFTER_LEADING_DOTS.test(words) && !/^(?:etc|more|here)$/.test(words)) return true;
  return false;
}

/** The text of a whole-line comment, or undefined when the line is code (trailing comments are ignored). */
function commentBody(trimmed: string, style: CommentStyle): string | undefined {
  for (const opener of style.line) if (trimmed.startsWith(opener)) return trimmed.slice(opener.length);
  for (const [open, close] of style.block) {
    const inner = trimmed.startsWith(`{${open}`) && trimmed.endsWith(`${close}}`) ? trimmed.slice(1, -1) : trimmed;
    if (inner.startsWith(open))
      return inner.endsWith(close) ? inner.slice(open.length, inner.length - close.length) : inner.slice(open.length);
  }
  return undefined;
}

/**
 * Find a placeholder the model wrote instead of code ("... existing code ...", "# rest of the file
 * unchanged", a bare `...` line in a C-like language), in the comment syntax of the file's language.
 * `language` is a file path (`src/a.py`), a language name or fence tag (`python`), or undefined.
 */
export function detectElision(content: string, language?: string): ElisionHit | undefined {
  const style = commentStyle(languageOf(language));
  const firstChars = new Set<number>([0x2e, 0x2026, 0x7b]);
  for (const opener of [...style.line, ...style.block.map(([open]) => open)]) firstChars.add(opener.charCodeAt(0));
  let pos = 0;
  let line = 0;
  const length = content.length;
  while (pos < length) {
    const newline = content.indexOf("\n", pos);
    const end = newline === -1 ? length : newline;
    line++;
    let at = pos;
    while (at < end && (content.charCodeAt(at) === 0x20 || content.charCodeAt(at) === 0x09)) at++;
    if (at < end && firstChars.has(content.charCodeAt(at))) {
      const trimmed = content.slice(at, end).trim();
      const hit = checkLine(trimmed, style);
      if (hit) return { line, text: trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed };
    }
    if (newline === -1) break;
    pos = newline + 1;
  }
  return undefined;
}

function checkLine(trimmed: string, style: CommentStyle): boolean {
  if (style.bareEllipsisIsElision && /^(?:\.{3,}|…)[;,]?$/.test(trimmed)) return true;
  const body = commentBody(trimmed, style);
  return body !== undefined && isPlaceholderComment(body);
}
