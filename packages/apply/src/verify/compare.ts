import type { CommandRun } from "./run-command.js";

/** Lines that name a failure in the output of common test runners, linters and compilers. */
const FAILURE_LINE = /(error|errors|exception)\b|\b(fail|failed|failure|failures|traceback|panic\w*|fatal|denied|not found|cannot)\b|\bassert\w*|\b[EF]\d{3,4}\b/i;

/** What varies between two runs of the same failure: durations, addresses, line numbers, temp paths. */
export function normalizeLine(line: string): string {
  return line
    .trim()
    .replace(/\s+/g, " ")
    .replace(/0x[0-9a-f]+/gi, "0x…")
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, "<id>")
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|seconds)\b/gi, "…s")
    .replace(/\bline \d+/gi, "line …")
    .replace(/:\d+:\d+\b/g, ":…:…")
    .replace(/(\/tmp|\/var\/folders)\/[^\s'"]+/g, "<tmp>");
}

/**
 * A failure's signature: its normalised failure lines, or, when none names a failure, every line
 * (a custom check that prints only "bad"). Two runs with the same signature fail the same way.
 */
export function failureSignature(output: string): string[] {
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== "");
  const failing = lines.filter((line) => FAILURE_LINE.test(line));
  const chosen = failing.length > 0 ? failing : lines;
  return [...new Set(chosen.map(normalizeLine))].slice(0, 500);
}

export interface NewFailure {
  command: string;
  /** Why it counts as new: it passed before, it timed out, or it fails in a new way. */
  reason: string;
  /** The failure lines the run before did not have (at most 20, each cut to 300 characters). */
  lines: string[];
}

/**
 * The lines of a failing run that the run before the change did not print (warnings and noise a passing
 * run prints too are not news), failure lines first; in their original form.
 */
function freshLines(before: CommandRun | undefined, after: CommandRun): string[] {
  const known = new Set((before?.output ?? "").split(/\r?\n/).filter((line) => line.trim() !== "").map(normalizeLine));
  const seen = new Set<string>();
  const fresh: string[] = [];
  for (const line of after.output.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const key = normalizeLine(line);
    if (known.has(key) || seen.has(key)) continue;
    seen.add(key);
    fresh.push(line.length > 300 ? `${line.slice(0, 299)}…` : line);
  }
  const failing = fresh.filter((line) => FAILURE_LINE.test(line));
  return failing.length > 0 ? failing : fresh;
}

/**
 * Whether `after` is a new failure relative to `before` (the same command on the original file): a
 * command that already failed the same way before the change does not count against the fix.
 */
export function compareRuns(before: CommandRun | undefined, after: CommandRun): NewFailure | null {
  if (after.passed || after.interrupted) return null;
  const lines = freshLines(before, after).slice(0, 20);
  if (after.timed_out && !before?.timed_out) return { command: after.command, reason: "timed out", lines };
  if (!before || before.passed) {
    const reason = after.exit_code === null ? "did not run" : `exit code ${after.exit_code} (it passed before the change)`;
    return { command: after.command, reason, lines };
  }
  // Both failed: only a failure signature line the earlier run did not have makes it a new failure.
  const known = new Set(failureSignature(before.output));
  const added = failureSignature(after.output).filter((line) => !known.has(line));
  if (added.length === 0 && after.exit_code === before.exit_code) return null;
  const reason = added.length === 0 ? `exit code ${after.exit_code} where it was ${before.exit_code} before the change` : `fails in a new way (exit code ${after.exit_code}; it already failed before the change)`;
  return { command: after.command, reason, lines };
}
