import type { z } from "zod";
import { CliError } from "../errors.js";

type Issue = z.core.$ZodIssue;

/** `files_to_fix[2]` from ["files_to_fix", 2]. */
function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const score = editDistance(name, candidate);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = temp;
    }
  }
  return row[b.length]!;
}

function describeIssue(issue: Issue, knownKeys: readonly string[]): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const where = formatPath([...issue.path, key]);
      const suggestion = issue.path.length === 0 ? closest(key, knownKeys) : undefined;
      return `${where}: unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`;
    });
  }
  const where = formatPath(issue.path) || "(input)";
  let message = issue.message;
  if (issue.code === "invalid_type" && /received undefined$/.test(message)) message = `required (${issue.expected})`;
  else message = message.replace(/^Invalid input: /, "");
  return [`${where}: ${message}`];
}

/** One line naming the first problem (and how many more), plus every problem for JSON output. */
export function formatZodError(
  error: z.ZodError,
  knownKeys: readonly string[] = [],
): {
  message: string;
  problems: string[];
} {
  // A misspelt key is usually why a required one is "missing": name it first.
  const ordered = [...error.issues].sort(
    (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
  );
  const problems = ordered.flatMap((issue) => describeIssue(issue, knownKeys));
  const first = problems[0] ?? "invalid input";
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return { message: `${first}${more}`, problems };
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { knownKeys?: readonly string[]; prefix?: string; hint?: string } = {},
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const { message, problems } = formatZodError(parsed.error, options.knownKeys);
  throw new CliError("BAD_INPUT", options.prefix ? `${options.prefix}${message}` : message, {
    hint: options.hint,
    details: { problems },
  });
}
