import type { Parser, RawFailure } from "./types.js";

/** cargo test: `---- name stdout ----` blocks with `panicked at path:line:col:` and the message. */
export const parseCargo: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^---- (\S+) stdout ----$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    let j = i + 1;
    for (
      ;
      j < lines.length && !/^---- \S+ stdout ----$/.test(lines[j]!) && !/^(failures|successes):\s*$/.test(lines[j]!);
      j++
    )
      body.push(lines[j]!);
    i = j - 1;
    const message: string[] = [];
    const frames: string[] = [];
    let inPanic = false;
    for (const line of body) {
      const panic = /panicked at (\S+?):?$/.exec(line) ?? /panicked at '(.*)', (\S+)$/.exec(line);
      if (panic) {
        inPanic = true;
        frames.push(line);
        if (panic.length === 3) message.push(panic[1]!);
        continue;
      }
      if (/^(stack backtrace:|note: )/.test(line)) inPanic = false;
      if (/^\s+at \S+:\d+/.test(line)) frames.push(line);
      else if (inPanic && line.trim() !== "") message.push(line.trim());
    }
    out.push({ kind: "cargo", name: m[1]!, header: lines[i - body.length]!.trim(), message, frames });
  }
  // Without captured output (--nocapture, a crash) only the `test x ... FAILED` line names a failure.
  for (const line of lines) {
    const m = /^test (\S+) \.\.\. FAILED$/.exec(line);
    if (m && !out.some((f) => f.name === m[1]))
      out.push({ kind: "cargo", name: m[1]!, header: line, message: [], frames: [] });
  }
  return out;
};

/**
 * go test: `--- FAIL: TestX (0.00s)` with the test's log lines (indented after it, or, with -v, between
 * its `=== RUN` and the next `===`), and a panic's goroutine frames.
 */
export const parseGo: Parser = (lines) => {
  const out: RawFailure[] = [];
  const logs = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of lines) {
    const run = /^=== (RUN|CONT|PAUSE|NAME)\s+(\S+)/.exec(line);
    if (run) current = run[2]!;
    else if (/^\s*--- (FAIL|PASS|SKIP):/.test(line) || /^(FAIL|PASS|ok)\b/.test(line)) current = null;
    else if (current && /^\s+\S/.test(line)) logs.set(current, [...(logs.get(current) ?? []), line]);
  }
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)--- FAIL: (\S+) \([\d.]+\s*s(?:econds)?\)/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (
      ;
      j < lines.length &&
      /^\s+\S/.test(lines[j]!) &&
      !/^\s*--- (FAIL|PASS|SKIP):/.test(lines[j]!) &&
      lines[j]!.length - lines[j]!.trimStart().length > indent;
      j++
    )
      body.push(lines[j]!);
    const all = [...(logs.get(m[2]!) ?? []), ...body];
    // A parent of failed subtests prints nothing of its own.
    if (all.length === 0 && lines.slice(i + 1).some((line) => line.includes(`--- FAIL: ${m[2]}/`))) continue;
    const message = all.map((line) => line.trim().replace(/^\S+\.go:\d+: ?/, "")).filter((line) => line !== "");
    out.push({ kind: "go", name: m[2]!, header: lines[i]!.trim(), message, frames: all });
  }
  // A panic ends the run before the test's `--- FAIL` line: the panic and its frames are the failure.
  const panicAt = lines.findIndex((line) => /^panic: /.test(line));
  if (panicAt !== -1) {
    const frames = lines.slice(panicAt).filter((line) => /^\s+\S+\.go:\d+/.test(line));
    const test = lines
      .slice(panicAt)
      .map((line) => /\.(Test\w+)\(/.exec(line)?.[1])
      .find(Boolean);
    const name = test ?? "panic";
    const existing = out.find((f) => f.name === name);
    if (existing) {
      existing.message.push(lines[panicAt]!);
      existing.frames.push(...frames);
    } else out.push({ kind: "go", name, header: lines[panicAt]!, message: [lines[panicAt]!], frames });
  }
  return out;
};

const JAVA_FRAME = /^\s+at \S+\(.*\)$/;

/**
 * Maven surefire (`[ERROR] pkg.Class.method -- Time elapsed … <<< FAILURE!`) and Gradle (`Class > method() FAILED`).
 */
export const parseJunit: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const surefire = /^(?:\[ERROR\] )?(\S+?)(?:\((\S+)\))?\s+(?:--\s+)?Time elapsed:.*<<< (FAILURE|ERROR)!$/.exec(
      lines[i]!,
    );
    const gradle = /^(\S.*?) > (\S.*?) FAILED$/.exec(lines[i]!);
    if (!surefire && !gradle) continue;
    // `Tests run: …, Time elapsed: … <<< FAILURE! -- in pkg.Class` is the class's total, not a test.
    if (surefire && /^Tests run:/.test(surefire[1]!)) continue;
    const name = surefire
      ? surefire[2]
        ? `${surefire[2]}.${surefire[1]}`
        : surefire[1]!
      : `${gradle![1]}.${gradle![2]}`;
    const body: string[] = [];
    let j = i + 1;
    for (
      ;
      j < lines.length &&
      lines[j]!.trim() !== "" &&
      !/^\[(ERROR|INFO|WARNING)\]/.test(lines[j]!) &&
      !/^\S.* > \S.* (FAILED|PASSED|SKIPPED)$/.test(lines[j]!);
      j++
    )
      body.push(lines[j]!);
    i = j - 1;
    const message = body
      .filter((line) => !JAVA_FRAME.test(line) && !/^\s*\.\.\. \d+ more$/.test(line))
      .map((line) => line.trim());
    out.push({ kind: "junit", name, header: lines[i - body.length]!.trim(), message, frames: body });
  }
  return out;
};
