import { checkReplyBytes, checkReplyText, REDACTED, type TextProblem } from "@gembatch/core";

/** Why a fixed file's text may not go into the project: core's text checks, or a shebang change. */
interface FixedTextProblem {
  code: TextProblem["code"] | "shebang_changed" | "secret_placeholder";
  reason: string;
}

function firstLine(text: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const end = body.indexOf("\n");
  return (end === -1 ? body : body.slice(0, end)).replace(/\r$/, "");
}

const held = (problem: TextProblem | null): FixedTextProblem | null =>
  problem ? { code: problem.code, reason: `the file holds ${problem.reason}` } : null;

const quoted = (line: string) => JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);

/**
 * A shebang decides what runs the file, so a reply may neither add one, change it nor drop it: the
 * first line is compared with the original's (a file that does not exist yet has none).
 */
function checkShebang(text: string, original: string | null): FixedTextProblem | null {
  const was = firstLine(original ?? "");
  const now = firstLine(text);
  const had = was.startsWith("#!");
  const has = now.startsWith("#!");
  if (!had && !has) return null;
  if (had && has && was === now) return null;
  const why = "a shebang decides what runs the file";
  if (!had)
    return {
      code: "shebang_changed",
      reason: `the reply adds a shebang line ${quoted(now)} the original does not have; ${why}`,
    };
  if (!has) return { code: "shebang_changed", reason: `the reply drops the shebang line ${quoted(was)}; ${why}` };
  return {
    code: "shebang_changed",
    reason: `the reply changes the shebang line from ${quoted(was)} to ${quoted(now)}; ${why}`,
  };
}

/**
 * A key-like value in the file was scrubbed to the placeholder before the file was sent; a reply that
 * carries the placeholder back would replace the user's value with it.
 */
function checkPlaceholder(text: string, original: string | null): FixedTextProblem | null {
  if (!text.includes(REDACTED) || (original ?? "").includes(REDACTED)) return null;
  return {
    code: "secret_placeholder",
    reason: `the reply holds ${REDACTED} where the file had a key-like value that was scrubbed before it was sent; writing it would lose that value`,
  };
}

/**
 * The first reason a fixed file (decoded reply text) may not be written over `original` (the project
 * file's current text, null when it does not exist): NUL, control characters, U+FFFD, bidi controls the
 * original did not have, a changed shebang, a scrubbed secret's placeholder.
 */
export function checkFixedText(text: string, original: string | null): FixedTextProblem | null {
  return held(checkReplyText(text, original ?? "")) ?? checkShebang(text, original) ?? checkPlaceholder(text, original);
}

/** As `checkFixedText`, for bytes read back from disk (bytes that are not UTF-8 at all are refused too). */
export function checkFixedBytes(bytes: Uint8Array, original: string | null): FixedTextProblem | null {
  const problem = held(checkReplyBytes(bytes, original ?? ""));
  if (problem) return problem;
  const text = Buffer.from(bytes).toString("utf8");
  return checkShebang(text, original) ?? checkPlaceholder(text, original);
}
