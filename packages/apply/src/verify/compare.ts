import { extractEvidence, failureKey } from "./evidence/extract.js";
import type { LocationContext } from "./evidence/locations.js";
import type { Failure } from "./evidence/types.js";
import type { CommandRun } from "./run-command.js";

/** Lines that name a failure in the output of common test runners, linters and compilers. */
const FAILURE_LINE =
  /(error|errors|exception)\b|\b(fail|failed|failure|failures|traceback|panic\w*|fatal|denied|not found|cannot)\b|\bassert\w*|\b[EF]\d{3,4}\b/i;

/** What varies between two runs of the same failure: durations, addresses, line numbers, temp paths. */
function normalizeLine(line: string): string {
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
  /** The failing tests and errors the run before did not have, when the output's runner was recognised. */
  failures?: Failure[] | undefined;
  /** Recognised failures beyond the ones kept in `failures`. */
  failures_omitted?: number | undefined;
  /** Tests and errors that failed before the change too: not counted against it. */
  already_failing?: string[] | undefined;
  /** The runner's own totals. */
  summary?: string[] | undefined;
  /** Output lines that were none of the above (passing tests, progress, noise). */
  dropped_lines?: number | undefined;
}

/** Kept in the state with every attempt: enough for any budget, bounded for a run with thousands of failures. */
const MAX_KEPT_FAILURES = 100;

/**
 * The lines of a failing run that the run before the change did not print (warnings and noise a passing
 * run prints too are not news), failure lines first; in their original form.
 */
function freshLines(before: CommandRun | undefined, after: CommandRun): string[] {
  const known = new Set(
    (before?.output ?? "")
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map(normalizeLine),
  );
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

function timeoutOrPassedBefore(before: CommandRun | undefined, after: CommandRun): string | null {
  if (after.timed_out && !before?.timed_out) return "timed out";
  if (!before || before.passed)
    return after.exit_code === null ? "did not run" : `exit code ${after.exit_code} (it passed before the change)`;
  return null;
}

/**
 * A recognised output: only tests and errors the run before did not report count; the ones it did are
 * named as already failing. Null when nothing is new and the exit code is the same.
 */
function compareRecognised(
  before: CommandRun | undefined,
  after: CommandRun,
  found: Failure[],
  context: LocationContext,
  extra: Pick<NewFailure, "summary" | "dropped_lines">,
): NewFailure | null {
  const known = new Set(
    before && !before.passed ? extractEvidence(before.output, context).failures.map(failureKey) : [],
  );
  const fresh = found.filter((failure) => !known.has(failureKey(failure)));
  const already = found.filter((failure) => known.has(failureKey(failure))).map((failure) => failure.name);
  let reason = timeoutOrPassedBefore(before, after);
  if (reason === null) {
    if (fresh.length === 0 && after.exit_code === before!.exit_code) return null;
    reason =
      fresh.length === 0
        ? `exit code ${after.exit_code} where it was ${before!.exit_code} before the change`
        : `fails in a new way (exit code ${after.exit_code}; it already failed before the change)`;
  }
  const lines = fresh
    .flatMap((failure) => [failure.header, ...(failure.message[0] ? [failure.message[0]] : [])])
    .slice(0, 20);
  return {
    command: after.command,
    reason,
    lines,
    failures: fresh.slice(0, MAX_KEPT_FAILURES),
    ...(fresh.length > MAX_KEPT_FAILURES ? { failures_omitted: fresh.length - MAX_KEPT_FAILURES } : {}),
    ...(already.length > 0 ? { already_failing: already.slice(0, 50) } : {}),
    ...extra,
  };
}

/**
 * Whether `after` is a new failure relative to `before` (the same command on the original file): a
 * command that already failed the same way before the change does not count against the fix. When the
 * runner is recognised, failures are compared test by test; otherwise by their failure lines.
 */
export function compareRuns(
  before: CommandRun | undefined,
  after: CommandRun,
  context: LocationContext = {},
): NewFailure | null {
  if (after.passed || after.interrupted) return null;
  const evidence = extractEvidence(after.output, context);
  if (evidence.failures.length > 0)
    return compareRecognised(before, after, evidence.failures, context, {
      summary: evidence.summary,
      dropped_lines: evidence.dropped,
    });
  const lines = freshLines(before, after).slice(0, 20);
  const reason = timeoutOrPassedBefore(before, after);
  if (reason !== null) return { command: after.command, reason, lines };
  // Both failed: only a failure signature line the earlier run did not have makes it a new failure.
  const known = new Set(failureSignature(before!.output));
  const added = failureSignature(after.output).filter((line) => !known.has(line));
  if (added.length === 0 && after.exit_code === before!.exit_code) return null;
  const why =
    added.length === 0
      ? `exit code ${after.exit_code} where it was ${before!.exit_code} before the change`
      : `fails in a new way (exit code ${after.exit_code}; it already failed before the change)`;
  return { command: after.command, reason: why, lines };
}
