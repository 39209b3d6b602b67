import { stripVTControlCharacters } from "node:util";
import { locationsOf, type LocationContext } from "./locations.js";
import { parseJest, parseMocha, parseNodeSpec, parseTap, parseVitest } from "./parse-js.js";
import { parseCargo, parseGo, parseJunit } from "./parse-native.js";
import { parsePytest, parseUnittest } from "./parse-python.js";
import { parseEslint, parsePathLine, parseTsc } from "./parse-diagnostics.js";
import type { Evidence, Failure, Parser } from "./types.js";

/** Each recognises its runner by output that runner alone prints; several may match one combined output. */
const TEST_PARSERS: Parser[] = [
  parseTap,
  parseNodeSpec,
  parseVitest,
  parseJest,
  parseMocha,
  parsePytest,
  parseUnittest,
  parseCargo,
  parseGo,
  parseJunit,
];
/**
 * Compilers and linters. The generic `path:line` one runs only when no test runner was recognised: a test's own report
 * quotes such lines.
 */
const DIAGNOSTIC_PARSERS: Parser[] = [parseTsc, parseEslint];

const SUMMARY =
  /^\s*(# (tests|pass|fail|cancelled)\b|ℹ (tests|pass|fail) \d|Tests?:?\s+\d|Test (Files|Suites):?\s|Ran \d+ tests? in|FAILED \(|=+ .*\b(failed|passed|errors?)\b.* =+$|test result: |(\[ERROR\] )?Tests run: \d+.*(Failures|Errors)(?!.*-- in )|\d+ (passing|failing)\s*$|Found \d+ errors?|✖ \d+ problems?|FAIL\t|\d+ tests completed, \d+ failed|error: (could not compile|test failed))/;

const MAX_MESSAGE_LINES = 8;
const MAX_LINE = 300;

const cut = (line: string, max = MAX_LINE) => (line.length > max ? `${line.slice(0, max - 1)}…` : line);

/** Colour codes and cursor movement out; a line a progress bar redrew with `\r` keeps its last state. */
export function cleanOutput(output: string): string {
  return stripVTControlCharacters(output)
    .split("\n")
    .map((line) => {
      const parts = line.replace(/\r$/, "").split("\r");
      return parts.filter((part) => part.trim() !== "").pop() ?? "";
    })
    .join("\n");
}

/** Two runs' failures are the same failure when the runner and the name agree (timings, ids and lines aside). */
export function failureKey(failure: Pick<Failure, "kind" | "name">): string {
  const name = failure.name
    .trim()
    .replace(/\s+/g, " ")
    .replace(/\s*\([\d.]+\s*m?s\)$/, "")
    .replace(/0x[0-9a-f]+/gi, "0x…");
  return `${failure.kind}|${name}`;
}

/** The failing tests and errors an output reports, whatever runner printed it; none when it is none we know. */
export function extractEvidence(output: string, context: LocationContext = {}): Evidence {
  const lines = cleanOutput(output).split("\n");
  let raw = TEST_PARSERS.flatMap((parse) => parse(lines));
  raw.push(...DIAGNOSTIC_PARSERS.flatMap((parse) => parse(lines)));
  if (raw.length === 0) raw = parsePathLine(lines);
  const seen = new Set<string>();
  const failures: Failure[] = [];
  // Absolute paths into the project are shown relative to it: shorter, and the same on every machine.
  const root = context.projectRoot ? `${context.projectRoot.replace(/[\\/]+$/, "")}/` : null;
  const relative = (text: string) => (root ? text.split(root).join("") : text);
  for (const failure of raw) {
    const key = failureKey(failure);
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push({
      kind: failure.kind,
      name: cut(relative(failure.name)),
      header: cut(relative(failure.header)),
      message: failure.message.slice(0, MAX_MESSAGE_LINES).map((line) => cut(relative(line))),
      locations: locationsOf([...failure.frames, ...failure.message], context).slice(0, 12),
    });
  }
  const summary = [...new Set(lines.filter((line) => SUMMARY.test(line)).map((line) => cut(line.trim(), 200)))].slice(
    -8,
  );
  const used = new Set<string>(
    [...summary, ...raw.flatMap((f) => [f.header, ...f.message, ...f.frames])].map((line) => line.trim()),
  );
  const dropped = lines.filter((line) => line.trim() !== "" && !used.has(line.trim())).length;
  return { failures, summary, dropped };
}
