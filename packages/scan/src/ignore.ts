import ignore from "ignore";

export const GITIGNORE = ".gitignore";
export const GEMBATCHIGNORE = ".gembatchignore";

export interface IgnoreFile {
  /** Posix path of the ignore file relative to the root (`a/b/.gitignore`). */
  path: string;
  content: string;
  /** The directory its rules are relative to, when that is not the file's own (`.git/info/exclude`). */
  dir?: string;
}

interface IgnoreMatcher {
  /** True when the root-relative posix path is ignored (a directory path ends with `/`). */
  ignores(relPath: string): boolean;
}

export function dirOf(relPath: string): string {
  const trimmed = relPath.endsWith("/") ? relPath.slice(0, -1) : relPath;
  const slash = trimmed.lastIndexOf("/");
  return slash === -1 ? "" : trimmed.slice(0, slash);
}

function meaningfulLines(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.replace(/(?<!\\)\s+$/, ""))
    .filter((line) => line !== "" && !line.startsWith("#"));
}

export function hasNegation(files: IgnoreFile[]): boolean {
  return files.some((file) => meaningfulLines(file.content).some((line) => line.startsWith("!")));
}

/**
 * fast-glob `ignore` globs for the directories a set of ignore files certainly ignores, so the walk
 * never enters them: `build/`, `/dist` or `out` become `dir/**\/build/**`-style globs. Anchored
 * rules (with a slash) are safe whatever deeper files say, because git cannot re-include anything
 * under an ignored directory; unanchored ones could be undone by a deeper `!build`, so they are
 * kept apart for the caller to drop when a deeper negation exists. Files with a negation of their
 * own give no globs at all. The matcher stays the authority either way.
 */
export function pruneGlobsFor(files: IgnoreFile[]): { anchored: string[]; unanchored: string[] } {
  const globs = { anchored: [] as string[], unanchored: [] as string[] };
  if (hasNegation(files)) return globs;
  for (const file of files) {
    const dir = file.dir ?? dirOf(file.path);
    for (const rule of meaningfulLines(file.content)) {
      if (/[\\[\]{}!]/.test(rule) || rule === "/" || rule.includes("**")) continue;
      const body = rule.replace(/\/+$/, "");
      if (body === "" || body === "*") continue;
      const prefix = dir === "" ? "" : `${dir}/`;
      if (body.includes("/")) globs.anchored.push(`${prefix}${body.replace(/^\//, "")}/**`);
      else globs.unanchored.push(`${prefix}**/${body}/**`);
    }
  }
  return globs;
}

/**
 * Re-root a rule of the ignore file in `dir` so that it can sit in one root-level list: `foo`
 * becomes `dir/**\/foo`, `/foo` and `foo/bar` become `dir/foo` and `dir/foo/bar`.
 */
function rerootRule(rule: string, dir: string): string {
  if (dir === "") return rule;
  const negated = rule.startsWith("!");
  const body = negated ? rule.slice(1) : rule;
  const trimmed = body.replace(/\/+$/, "");
  const anchored = body.startsWith("/") || trimmed.includes("/");
  const rerooted = anchored ? `${dir}/${body.replace(/^\//, "")}` : `${dir}/**/${body}`;
  return `${negated ? "!" : ""}${rerooted}`;
}

/**
 * Git's precedence in one list: rules of deeper directories come after (and so win over) those of
 * shallower ones, the last matching rule wins, and nothing under an ignored directory can be
 * re-included (the `ignore` package checks the parent directories).
 */
export function createIgnoreMatcher(files: IgnoreFile[]): IgnoreMatcher {
  const ordered = files
    .map((file, i) => ({ file, dir: file.dir ?? dirOf(file.path), gembatch: file.path.endsWith(GEMBATCHIGNORE), i }))
    .sort(
      (a, b) =>
        a.dir.split("/").length - b.dir.split("/").length ||
        (a.dir === "" ? 0 : 1) - (b.dir === "" ? 0 : 1) ||
        Number(a.gembatch) - Number(b.gembatch) ||
        a.i - b.i,
    );
  const matcher = ignore({ allowRelativePaths: true });
  let rules = 0;
  for (const { file, dir } of ordered) {
    const lines = meaningfulLines(file.content).map((line) => rerootRule(line, dir));
    rules += lines.length;
    matcher.add(lines);
  }
  return {
    ignores: (relPath) => rules > 0 && matcher.ignores(relPath),
  };
}
