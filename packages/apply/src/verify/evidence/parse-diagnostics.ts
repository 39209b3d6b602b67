import type { Parser, RawFailure } from "./types.js";

function diagnostic(kind: string, file: string, text: string, header: string, extra: string[] = []): RawFailure {
  return { kind, name: `${file}: ${text}`, header, message: [text, ...extra], frames: [header] };
}

/** tsc: `path(line,col): error TS2339: …`, or the `--pretty` form `path:line:col - error TS2339: …`. */
export const parseTsc: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (const line of lines) {
    const m = /^(\S.*?)(?:\((\d+),(\d+)\): |:(\d+):(\d+) - )error (TS\d+): (.*)$/.exec(line);
    if (m) out.push(diagnostic("tsc", m[1]!, `error ${m[6]}: ${m[7]}`, line));
  }
  return out;
};

/** eslint's default (stylish) format: the file alone on a line, then `  line:col  error  message  rule`. */
export const parseEslint: Parser = (lines) => {
  const out: RawFailure[] = [];
  let file: string | null = null;
  for (const line of lines) {
    if (/^\S.*\.\w+$/.test(line) && !line.includes(" ")) file = line;
    else if (line.trim() === "") file = null;
    const m = file ? /^\s+(\d+):(\d+)\s+error\s+(.+?)(?:\s{2,}(\S+))?\s*$/.exec(line) : null;
    if (m)
      out.push({
        kind: "eslint",
        name: `${file}: ${m[3]}${m[4] ? ` (${m[4]})` : ""}`,
        header: `${file}:${m[1]}:${m[2]}: ${m[3]}`,
        message: [`${m[3]}${m[4] ? ` (${m[4]})` : ""}`],
        frames: [`${file}:${m[1]}:${m[2]}`],
      });
  }
  return out;
};

// `path:line[:col]: [error|warning|note:] message` — gcc, clang, go build/vet, ruff (concise), flake8, mypy, pylint,
// eslint's unix format.
const PATH_LINE =
  /^((?:[A-Za-z]:)?[^\s:]*[\w-]\.[A-Za-z]\w{0,9}):(\d+)(?::(\d+))?:?\s+(?:(error|fatal error|warning|note|info|hint)\s*:?\s*)?(.+)$/;

/**
 * `path:line:col` diagnostics, and rustc's (also ruff's full format) header plus ` --> path:line:col`.
 * Only errors count: a warning or a note went to the model only as context of an error.
 */
export const parsePathLine: Parser = (lines) => {
  const out: RawFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const arrow = /^\s*-->\s+(\S+?):(\d+)(?::(\d+))?\s*$/.exec(line);
    if (arrow) {
      const head = lines[i - 1] ?? "";
      const m = /^(error(?:\[\w+\])?|[A-Z]{1,4}\d{3,4}(?: \[\*\])?):?\s+(.*)$/.exec(head);
      if (m)
        out.push(
          diagnostic(
            "diagnostic",
            arrow[1]!,
            `${m[1]}: ${m[2]}`,
            `${arrow[1]}:${arrow[2]}${arrow[3] ? `:${arrow[3]}` : ""}: ${head}`,
          ),
        );
      continue;
    }
    const m = PATH_LINE.exec(line);
    if (!m || m[4] === "warning" || m[4] === "note" || m[4] === "info" || m[4] === "hint") continue;
    // Lines of a stack or a test log (`at x (a.js:1:2)`, `    foo_test.go:12: got 1`) are not diagnostics.
    if (/^\s/.test(line) || /^(at|File)\b/.test(line)) continue;
    const text = m[4] ? `${m[4]}: ${m[5]}` : m[5]!;
    // mypy's notes that follow an error belong to it.
    const extra: string[] = [];
    for (
      let j = i + 1;
      j < lines.length &&
      new RegExp(`^${m[1]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+(:\\d+)?: note: `).test(lines[j]!) &&
      extra.length < 3;
      j++
    )
      extra.push(lines[j]!.replace(/^.*?: note: /, "note: "));
    out.push(diagnostic("diagnostic", m[1]!, text, line, extra));
  }
  return out;
};
