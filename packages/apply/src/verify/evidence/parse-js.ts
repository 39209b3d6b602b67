import type { Parser, RawFailure } from "./types.js";

const indentOf = (line: string) => line.length - line.trimStart().length;
const FRAME = /^\s*(at\s|❯\s)/;
/** vitest's and jest's code frames (`  4| code`, `> 4 | code`, `    |   ^`): the location says it shorter. */
const CODE_FRAME = /^\s*(>\s*)?\d*\s*\|/;

/**
 * TAP, as `node --test` prints it when not on a terminal (also tape and node-tap): `not ok N - name` and its YAML
 * block.
 */
export const parseTap: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+(?: -)? ?(.*?)(?:\s+# (?:TODO|SKIP)\b.*)?$/i.exec(lines[i]!);
    if (!m || /#\s*(TODO|SKIP)\b/i.test(lines[i]!)) continue;
    const indent = m[1]!.length;
    const yaml: string[] = [];
    if (lines[i + 1]?.trim() === "---") {
      for (
        let j = i + 2;
        j < lines.length && lines[j]!.trim() !== "..." && (lines[j]!.trim() === "" || indentOf(lines[j]!) > indent);
        j++
      )
        yaml.push(lines[j]!);
    }
    const field = (key: string): string[] => {
      const at = yaml.findIndex((line) => new RegExp(`^\\s*${key}:`).test(line));
      if (at === -1) return [];
      const value = yaml[at]!.replace(new RegExp(`^\\s*${key}:\\s*`), "");
      if (!/^[|>]-?$/.test(value)) return [value.replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1")];
      const base = indentOf(yaml[at]!);
      const block: string[] = [];
      for (let j = at + 1; j < yaml.length && (yaml[j]!.trim() === "" || indentOf(yaml[j]!) > base); j++)
        block.push(yaml[j]!.trim());
      return block;
    };
    // A parent whose subtests failed repeats them; the subtests are the failures.
    if (field("failureType")[0] === "subtestsFailed") continue;
    const error = field("error");
    const type = field("name")[0];
    const message =
      error.length > 0
        ? [`${type && !error[0]!.startsWith(type) ? `${type}: ` : ""}${error[0]}`, ...error.slice(1)]
        : [];
    for (const key of ["expected", "actual", "operator", "found", "wanted"]) {
      const value = field(key);
      if (value.length === 1 && !error.join("\n").includes(value[0]!)) message.push(`${key}: ${value[0]}`);
    }
    const frames = [...field("stack"), ...field("location"), ...field("at")];
    out.push({ kind: "tap", name: m[2]!.trim() || `test ${i}`, header: lines[i]!.trim(), message, frames });
  }
  return out;
};

/** node --test's spec reporter (the default on a terminal, and in newer Node everywhere): `✖ name (1.2ms)`. */
export const parseNodeSpec: Parser = (lines) => {
  const out: RawFailure[] = [];
  const start = lines.findIndex((line) => /^\s*✖ failing tests:/.test(line));
  // The failing tests are listed twice when the reporter repeats them at the end; read them once.
  const from = start === -1 ? 0 : start + 1;
  for (let i = from; i < lines.length; i++) {
    const m = /^(\s*)✖ (.+?) \([\d.]+m?s\)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (
      ;
      j < lines.length && (lines[j]!.trim() === "" || indentOf(lines[j]!) > indent) && !/^\s*[✖✔﹣ℹ] /.test(lines[j]!);
      j++
    )
      body.push(lines[j]!);
    if (body.length === 0 || /^\s*\d+ subtests? failed/.test(body.find((l) => l.trim() !== "") ?? "")) continue;
    const frames = body.filter((line) => FRAME.test(line));
    const message = body
      .filter((line) => !FRAME.test(line) && line.trim() !== "" && !/^\s*(\{|\}|generatedMessage:|code:)/.test(line))
      .map((line) => line.trim());
    out.push({ kind: "node-spec", name: m[2]!, header: lines[i]!.trim(), message, frames });
  }
  return out;
};

/** vitest: ` FAIL  file > suite > test`, the error, ` ❯ fn path:line:col` frames, until the `⎯` separator. */
export const parseVitest: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*FAIL\s+(\S.*?)\s*$/.exec(lines[i]!);
    if (!m || !(lines[i]!.includes(" > ") || /\[ .* \]$/.test(m[1]!))) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*(⎯{3,}|FAIL\s+\S)/.test(lines[j]!) && !/^\s*Test Files\s/.test(lines[j]!); j++)
      body.push(lines[j]!);
    i = j - 1;
    const frames = body.filter((line) => FRAME.test(line));
    const message = body
      .filter(
        (line) =>
          !FRAME.test(line) && !CODE_FRAME.test(line) && line.trim() !== "" && !/^\s*\+ actual - expected$/.test(line),
      )
      .map((line) => line.trim());
    const name = m[1]!.replace(/\s*\[ .* \]$/, "");
    out.push({ kind: "vitest", name, header: lines[i - body.length]!.trim(), message, frames });
  }
  return out;
};

/** jest: `● suite › test`, the assertion (Expected/Received), a code frame and `at` frames. */
export const parseJest: Parser = (lines) => {
  const out: RawFailure[] = [];
  let file = "";
  for (let i = 0; i < lines.length; i++) {
    const suite = /^\s*FAIL\s+(\S+)\s*$/.exec(lines[i]!);
    if (suite) file = suite[1]!;
    const m = /^\s*● (.+?)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    let j = i + 1;
    for (
      ;
      j < lines.length &&
      !/^\s*●\s/.test(lines[j]!) &&
      !/^\s*(FAIL|PASS)\s+\S+\s*$/.test(lines[j]!) &&
      !/^(Test Suites|Tests):\s/.test(lines[j]!);
      j++
    )
      body.push(lines[j]!);
    const frames = body.filter((line) => FRAME.test(line));
    const message = body
      .filter((line) => !FRAME.test(line) && !CODE_FRAME.test(line) && line.trim() !== "")
      .map((line) => line.trim());
    const name = m[1] === "Test suite failed to run" && file ? file : m[1]!;
    out.push({ kind: "jest", name, header: lines[i]!.trim(), message, frames });
  }
  return out;
};

/** mocha's spec reporter: after `N failing`, `1) suite` / `test:`, the error, `at` frames. */
export const parseMocha: Parser = (lines) => {
  const start = lines.findIndex((line) => /^\s*\d+ failing\s*$/.test(line));
  if (start === -1) return [];
  const out: RawFailure[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(\s*)\d+\) (.+?)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const title = [m[2]!];
    let j = i + 1;
    // The title continues, one suite a line, until the line that ends with a colon.
    if (!title[0]!.endsWith(":"))
      for (; j < lines.length && lines[j]!.trim() !== ""; j++) {
        title.push(lines[j]!.trim());
        if (lines[j]!.trimEnd().endsWith(":")) {
          j++;
          break;
        }
      }
    const body: string[] = [];
    for (; j < lines.length && !/^\s*\d+\) \S/.test(lines[j]!); j++) body.push(lines[j]!);
    i = j - 1;
    const frames = body.filter((line) => FRAME.test(line));
    const message = body.filter((line) => !FRAME.test(line) && line.trim() !== "").map((line) => line.trim());
    const name = title.join(" ").replace(/:$/, "");
    out.push({ kind: "mocha", name, header: `${m[0].trim().split(")")[0]}) ${name}`, message, frames });
  }
  return out;
};
