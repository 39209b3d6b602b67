import { formatLocation, isInFile } from "./locations.js";
import type { Failure, SourceLocation } from "./types.js";

/**
 * A rough count (4 characters a token) that errs long for code and English alike; the budget is a ceiling, not a bill.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

interface RenderFailuresOptions {
  /** The file being fixed (project-relative): its locations come first and are marked. */
  file: string;
  budgetTokens: number;
  /** Level of detail to start from: 3 is everything kept, 1 a line per failure. */
  maxLevel?: 1 | 2 | 3;
}

interface RenderedFailures {
  text: string;
  shown: number;
  /** Failures left out entirely (their count is in the text). */
  omitted: number;
}

/** Locations in the file being fixed first, then the project's other files; at most `limit`. */
export function orderLocations(locations: readonly SourceLocation[], file: string, limit: number): SourceLocation[] {
  const inFile = locations.filter((l) => isInFile(l, file));
  return [...inFile, ...locations.filter((l) => !isInFile(l, file))].slice(0, limit);
}

const cut = (line: string, max: number) => (line.length > max ? `${line.slice(0, max - 1)}…` : line);

/** One failure at a level of detail: 3 full, 2 short, 1 one line, 0 the name alone. */
function renderOne(failure: Failure, file: string, level: number): string {
  const name = cut(failure.name, level === 0 ? 120 : 200);
  if (level === 0) return `- ${name}`;
  const locations = orderLocations(failure.locations, file, level === 3 ? 5 : level === 2 ? 2 : 1);
  const mark = (l: SourceLocation) => `${formatLocation(l)}${isInFile(l, file) ? " (the file being fixed)" : ""}`;
  if (level === 1) {
    const text = failure.message.find((line) => !failure.name.endsWith(line));
    const first = text ? ` — ${cut(text, 140)}` : "";
    return `- ${name}${first}${locations[0] ? ` — at ${mark(locations[0])}` : ""}`;
  }
  // A diagnostic's name already holds its message.
  const message = failure.message
    .filter((line) => !failure.name.endsWith(line))
    .slice(0, level === 3 ? 12 : 3)
    .map((line) => `    ${cut(line, level === 3 ? 300 : 160)}`);
  return [`- ${name}`, ...message, ...locations.map((l) => `    at ${mark(l)}`)].join("\n");
}

function touchesFile(failure: Failure, file: string): boolean {
  return failure.locations.some((l) => isInFile(l, file));
}

/**
 * The failures within a token budget: every failure is shown if at all possible, so detail goes
 * first, from the last failure up (failures that point into the file being fixed are listed first);
 * only when every one is down to its name are failures left out, and counted.
 */
export function renderFailures(all: readonly Failure[], options: RenderFailuresOptions): RenderedFailures {
  const failures = [...all].sort((a, b) => Number(touchesFile(b, options.file)) - Number(touchesFile(a, options.file)));
  const budget = options.budgetTokens * 4;
  const top = options.maxLevel ?? 3;
  const texts = failures.map((failure) =>
    [0, 1, 2, 3].map((level) => renderOne(failure, options.file, Math.min(level, top))),
  );
  const levels = failures.map(() => top as number);
  let size = texts.reduce((sum, t, i) => sum + t[levels[i]!]!.length + 1, 0);
  for (let level = top; level > 0 && size > budget; level--) {
    for (let i = failures.length - 1; i >= 0 && size > budget; i--) {
      if (levels[i] !== level) continue;
      size -= texts[i]![level]!.length - texts[i]![level - 1]!.length;
      levels[i] = level - 1;
    }
  }
  let shown = failures.length;
  const note = (n: number) => `[… ${n} more failure(s) not shown]`.length + 1;
  while (shown > 1 && size + (shown < failures.length ? note(failures.length - shown) : 0) > budget) {
    shown -= 1;
    size -= texts[shown]![levels[shown]!]!.length + 1;
  }
  const lines = texts.slice(0, shown).map((t, i) => t[levels[i]!]!);
  const omitted = failures.length - shown;
  if (omitted > 0) lines.push(`[… ${omitted} more failure(s) not shown]`);
  return { text: lines.join("\n"), shown, omitted };
}
