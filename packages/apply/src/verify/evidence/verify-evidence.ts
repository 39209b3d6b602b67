import type { NewFailure } from "../compare.js";
import { trimOutput } from "../trim.js";
import { formatLocation } from "./locations.js";
import { estimateTokens, orderLocations, renderFailures } from "./render.js";

/** What the retry request gets (about 6 KB): the model needs the errors, not the log. */
export const RETRY_EVIDENCE_TOKENS = 1500;
/** The failure report's error details: the same evidence, shorter (the full logs are named there). */
export const REPORT_EVIDENCE_TOKENS = 600;

interface VerifyEvidenceOptions {
  /** The file being fixed, project-relative. */
  file: string;
  budgetTokens: number;
  /** Each command's output after the change, for a command whose runner was not recognised. */
  outputs?: ReadonlyMap<string, string>;
  maxLevel?: 1 | 2 | 3;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function listNames(names: readonly string[], max: number): string {
  const shown = names.slice(0, max).join("; ");
  return names.length > max ? `${shown}; and ${names.length - max} more` : shown;
}

function sectionFor(failure: NewFailure, options: VerifyEvidenceOptions, budgetTokens: number): string {
  const head = [`$ ${failure.command}`, `(${failure.reason})`];
  if (!failure.failures || (failure.failures.length === 0 && !failure.already_failing)) {
    const output = options.outputs?.get(failure.command);
    const body =
      output === undefined
        ? failure.lines.join("\n")
        : trimOutput(output, {
            failing: failure.lines,
            maxBytes: Math.max(400, (budgetTokens - estimateTokens(head.join("\n"))) * 4),
          });
    return [...head, "", body].join("\n");
  }
  const total = failure.failures.length + (failure.failures_omitted ?? 0);
  const tail: string[] = [];
  if (failure.already_failing?.length)
    tail.push(
      `Already failing before the change, not counted against it (${failure.already_failing.length}): ${listNames(failure.already_failing, 10)}`,
    );
  if (failure.summary?.length) tail.push(`Runner summary: ${failure.summary.join(" | ")}`);
  const left =
    (failure.dropped_lines ?? 0) > 0
      ? [`(${failure.dropped_lines} other output line(s) left out: passing tests, progress and runner noise)`]
      : [];
  const fixed = [...head, `New failure(s): ${total}`, ...tail, ...left].join("\n");
  const rendered = renderFailures(failure.failures, {
    file: options.file,
    budgetTokens: Math.max(50, budgetTokens - estimateTokens(fixed) - 10),
    ...(options.maxLevel ? { maxLevel: options.maxLevel } : {}),
  });
  const omittedBeyond = failure.failures_omitted
    ? [`[… ${failure.failures_omitted} more failure(s) beyond these were not kept]`]
    : [];
  return [...head, `New failure(s): ${total}`, rendered.text, ...omittedBeyond, ...tail, ...left]
    .filter((line) => line !== "")
    .join("\n");
}

/**
 * The evidence of a failed verify, for the model or a person: per command, the new failing tests and
 * errors (name, assertion, locations in the file being fixed first), which failures were already there
 * before the change, the runner's totals, and how much was left out; within `budgetTokens`.
 */
export function renderVerifyEvidence(failures: readonly NewFailure[], options: VerifyEvidenceOptions): string {
  const share = Math.floor(options.budgetTokens / Math.max(1, failures.length));
  const text = failures.map((failure) => sectionFor(failure, options, share)).join("\n\n");
  // The budget is kept even when the fixed parts (names of already-failing tests, summaries) are long.
  const max = options.budgetTokens * 4;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line per new failure, for a summary table: the first few names with their first error and location. */
export function shortEvidence(failures: readonly NewFailure[], file: string, maxFailures = 3): string {
  const parts: string[] = [];
  let more = 0;
  for (const failure of failures) {
    const found = failure.failures ?? [];
    if (found.length === 0) {
      if (parts.length < maxFailures)
        parts.push(
          `\`${failure.command}\` ${failure.reason}${failure.lines[0] ? `: ${cut(failure.lines[0].trim(), 160)}` : ""}`,
        );
      else more += 1;
      continue;
    }
    for (const f of found) {
      if (parts.length >= maxFailures) {
        more += 1;
        continue;
      }
      const location = orderLocations(f.locations, file, 1)[0];
      const error = f.message.find((line) => !f.name.endsWith(line));
      parts.push(
        `${cut(f.name, 120)}${error ? `: ${cut(error, 160)}` : ""}${location ? ` (${formatLocation(location)})` : ""}`,
      );
    }
    more += failure.failures_omitted ?? 0;
  }
  const already = failures.reduce((sum, f) => sum + (f.already_failing?.length ?? 0), 0);
  if (more > 0) parts.push(`${more} more`);
  if (already > 0) parts.push(`${already} already failing before the change, not counted`);
  return parts.join("; ");
}
