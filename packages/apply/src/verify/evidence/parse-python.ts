import type { Parser, RawFailure } from "./types.js";

const TRACEBACK_FRAME = /^\s*File "[^"]+", line \d+/;

/**
 * pytest: the `___ name ___` sections of FAILURES / ERRORS (their `E   ` lines and `path:line: Error`
 * lines), named by the short test summary's node ids when it is there.
 */
export const parsePytest: Parser = (lines) => {
  const out: RawFailure[] = [];
  const summary = new Map<string, string>();
  for (const line of lines) {
    const m = /^(FAILED|ERROR) ([^\s(]\S*)(?: - (.*))?$/.exec(line);
    if (m) summary.set(m[2]!, m[3] ?? "");
  }
  const region = lines.findIndex((line) => /^={3,} (FAILURES|ERRORS) ={3,}$/.test(line));
  if (region !== -1) {
    for (let i = region + 1; i < lines.length; i++) {
      const m = /^_{3,} (.+?) _{3,}$/.exec(lines[i]!);
      if (!m) continue;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^_{3,} .+ _{3,}$/.test(lines[j]!) && !/^={3,} .* ={3,}$/.test(lines[j]!); j++)
        body.push(lines[j]!);
      i = j - 1;
      const title = m[1]!.replace(/^ERROR (at setup|at teardown) of /, "");
      // `PriceTest.test_label` is the node id `…::PriceTest::test_label`.
      const id = [...summary.keys()].find(
        (key) => key.endsWith(`::${title.replace(/\./g, "::")}`) || key.endsWith(`::${title}`),
      );
      const errors = body.filter((line) => /^E {2,}/.test(line)).map((line) => line.replace(/^E\s+/, ""));
      const frames = body.filter(
        (line) => /^\S+:\d+: /.test(line) || /^\S+:\d+:?\s*$/.test(line) || TRACEBACK_FRAME.test(line),
      );
      const last = frames.map((line) => /^\S+:\d+: (\w+)$/.exec(line)?.[1]).find(Boolean);
      const message = errors.length > 0 ? errors : last ? [last] : body.filter((line) => line.trim() !== "").slice(-3);
      out.push({ kind: "pytest", name: id ?? title, header: id ? `FAILED ${id}` : title, message, frames });
      if (id) summary.delete(id);
    }
  }
  // With --tb=no (or a section we could not read) the summary line is all there is.
  for (const [id, reason] of summary) {
    if (out.some((f) => f.name === id)) continue;
    out.push({ kind: "pytest", name: id, header: `FAILED ${id}`, message: reason ? [reason] : [], frames: [] });
  }
  return out;
};

/** unittest (and Django's runner): `FAIL: test (module.Class.test)` / `ERROR: …`, the traceback, the exception. */
export const parseUnittest: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S.*?)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    let j = i + 1;
    if (/^-{5,}\s*$/.test(lines[j] ?? "")) j++;
    for (; j < lines.length; j++) {
      if (/^(={5,}|-{5,})\s*$/.test(lines[j]!) || /^(FAIL|ERROR): /.test(lines[j]!)) break;
      body.push(lines[j]!);
    }
    const header = lines[i]!;
    i = j - 1;
    const frames = body.filter((line) => TRACEBACK_FRAME.test(line));
    // The exception: the unindented lines after the last frame (its source line and carets are indented).
    const lastFrame = body.map((line) => TRACEBACK_FRAME.test(line)).lastIndexOf(true);
    const message = body
      .slice(lastFrame + 1)
      .filter((line) => line.trim() !== "" && !/^\s/.test(line) && !/^Traceback \(most recent call last\)/.test(line));
    out.push({ kind: "unittest", name: m[2]!, header, message, frames });
  }
  return out;
};
