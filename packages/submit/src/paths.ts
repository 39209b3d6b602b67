import { realpathSync } from "node:fs";
import path from "node:path";
import { CliError, isInsideDir } from "@gembatch/core";

/**
 * The one path rule of every submit command (as for every gembatch command): a path given as an
 * argument is relative to the current directory and must lie inside the project root; a path in a
 * result is relative to the project root (POSIX), absolute only when it lies outside it.
 */
export function argPath(options: { cwd: string; projectRoot: string }, value: string, field: string): string {
  const absolute = path.resolve(options.cwd, value);
  const root = path.resolve(options.projectRoot);
  let realRoot = root;
  try {
    realRoot = realpathSync(root);
  } catch {
    // A root that cannot be resolved is compared as written.
  }
  if (!isInsideDir(root, absolute) && !isInsideDir(realRoot, absolute)) {
    throw new CliError("PATH_OUTSIDE_PROJECT", `${field}: outside the project root: ${value}`, {
      hint: "submit reads and writes only inside the project (the directory of gembatch.config.json, else the git root)",
    });
  }
  return absolute;
}

export function shownPath(projectRoot: string, absolute: string): string {
  let relative = path.relative(projectRoot, absolute);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    try {
      relative = path.relative(realpathSync(projectRoot), absolute);
    } catch {
      return absolute;
    }
  }
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join("/");
}
