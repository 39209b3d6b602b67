import path from "node:path";
import type { SourceLocation } from "./types.js";

// Frames of the runtime and of installed packages are never where the fix went wrong.
const FOREIGN =
  /^(node:|internal\/|<anonymous>|\/rustc\/|\/usr\/(local\/)?(lib|go|share)\/|(.*\/)?(node_modules|site-packages|dist-packages|\.cargo\/registry|\.rustup|go\/pkg\/mod)\/)/;

const PYTHON = /File "([^"]+)", line (\d+)/g;
const JAVA = /\bat\s+(?:[\w.$-]+\/)?((?:[\w$]+\.)*)[\w$<>]+\.[\w$<>]+\(([\w$]+\.(?:java|kt|scala|groovy)):(\d+)\)/g;
/** The JDK's, the test framework's and the build tool's own frames. */
const FOREIGN_JAVA =
  /^(java|javax|jdk|sun|com\.sun|kotlin|scala|org\.junit|junit|org\.opentest4j|org\.apache\.maven|org\.gradle|org\.testng)\./;
const TSC = /^(\S[^()\n]*?\.\w+)\((\d+),(\d+)\)/g;
// `path:line[:col]`, with or without file:// and surrounding parentheses; the path needs an extension.
const GENERIC = /(?:file:\/\/)?((?:[A-Za-z]:)?[\w@.~+\-/\\]*[\w-]\.[A-Za-z]\w{0,9}):(\d+)(?::(\d+))?/g;

export interface LocationContext {
  /** Absolute project root: absolute paths under it are shown relative to it. */
  projectRoot?: string;
}

function normalizePath(file: string, context: LocationContext): string | null {
  let shown = file.replace(/^file:\/\//, "").replace(/\\/g, "/");
  if (context.projectRoot && path.isAbsolute(shown)) {
    const relative = path.relative(context.projectRoot, shown);
    if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
    shown = relative.split(path.sep).join("/");
  }
  shown = shown.replace(/^\.\//, "");
  if (FOREIGN.test(shown) || shown === "") return null;
  return shown;
}

/** Every project location one line names, in the order they appear; runtime and package frames dropped. */
export function locationsIn(line: string, context: LocationContext = {}): SourceLocation[] {
  const found: Array<{ at: number; location: SourceLocation }> = [];
  const taken: Array<[number, number]> = [];
  const add = (at: number, length: number, file: string, lineNo: string, column: string | undefined) => {
    if (taken.some(([start, end]) => at < end && at + length > start)) return;
    taken.push([at, at + length]);
    const shown = normalizePath(file, context);
    if (shown !== null)
      found.push({ at, location: { file: shown, line: Number(lineNo), column: column ? Number(column) : null } });
  };
  for (const m of line.matchAll(PYTHON)) add(m.index, m[0].length, m[1]!, m[2]!, undefined);
  // A Java frame names the class's package and the file's base name: together, the path's tail.
  for (const m of line.matchAll(JAVA))
    add(
      m.index,
      m[0].length,
      FOREIGN_JAVA.test(m[1]!) ? "internal/" : `${m[1]!.replace(/\./g, "/")}${m[2]!}`,
      m[3]!,
      undefined,
    );
  for (const m of line.matchAll(TSC)) add(m.index, m[0].length, m[1]!, m[2]!, m[3]);
  for (const m of line.matchAll(GENERIC)) {
    if (/^\w+:\/\//.test(line.slice(Math.max(0, m.index - 8), m.index + 3)) && !m[0].startsWith("file://")) continue;
    add(m.index, m[0].length, m[1]!, m[2]!, m[3]);
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.location);
}

export function locationsOf(lines: readonly string[], context: LocationContext = {}): SourceLocation[] {
  const seen = new Set<string>();
  const out: SourceLocation[] = [];
  for (const line of lines) {
    for (const location of locationsIn(line, context)) {
      const key = `${location.file}:${location.line}:${location.column ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(location);
    }
  }
  return out;
}

/** Whether a location is in `file` (a project-relative path); a Java frame's package path matches its tail. */
export function isInFile(location: SourceLocation, file: string): boolean {
  const target = file.replace(/\\/g, "/").replace(/^\.\//, "");
  return location.file === target || target.endsWith(`/${location.file}`);
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}${location.column === null ? "" : `:${location.column}`}`;
}
