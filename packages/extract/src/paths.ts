import path from "node:path";
import type { RefusalCode } from "./types.js";

type PathCheck = { ok: true; path: string } | { ok: false; code: RefusalCode; reason: string };

/**
 * Lexical safety of a path named by a model, before it touches the disk: project-relative, no `..`
 * escape, no drive or home prefix, no control characters, nothing inside `.git`. Returns the normalised
 * path (forward slashes, no `./`, no doubled or trailing separators resolved).
 */
export function checkRelativePath(raw: string, reserved: readonly string[] = []): PathCheck {
  const value = raw.trim();
  if (value === "") return { ok: false, code: "no_path", reason: "the marker names no path" };
  // eslint-disable-next-line no-control-regex -- a path holding control characters is what this rejects
  if (/[\u0000-\u001f\u007f]/.test(value))
    return { ok: false, code: "unsafe_path", reason: "the path holds control characters" };
  const slashed = value.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[a-zA-Z]:/.test(slashed) || slashed.startsWith("~")) {
    return {
      ok: false,
      code: "absolute_path",
      reason: `${value} is absolute; paths must be relative to the project root`,
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(slashed))
    return { ok: false, code: "absolute_path", reason: `${value} is a URL, not a project path` };
  if (slashed.endsWith("/"))
    return { ok: false, code: "unsafe_path", reason: `${value} names a directory, not a file` };
  const normalised = path.posix.normalize(slashed);
  if (normalised === ".." || normalised.startsWith("../")) {
    return { ok: false, code: "outside_project", reason: `${value} escapes the project root` };
  }
  if (normalised === "." || normalised === "")
    return { ok: false, code: "no_path", reason: "the marker names no file" };
  const segments = normalised.split("/");
  if (segments.some((s) => s.toLowerCase() === ".git"))
    return { ok: false, code: "unsafe_path", reason: `${value} is inside .git` };
  if (reserved.includes(normalised))
    return { ok: false, code: "unsafe_path", reason: `${value} is the name of the extraction context file` };
  return { ok: true, path: normalised };
}

/** Normalise a path the caller asked for so it compares equal to a checked marker path. */
export function normaliseRequested(value: string): string {
  return path.posix.normalize(value.trim().replace(/\\/g, "/")).replace(/^\.\//, "");
}

/**
 * Paths in results and in the extraction context: relative to the project root with `/` (absolute only
 * outside it), as send and apply report them, so a later run from another directory can resolve them.
 */
export function shownPath(projectRoot: string, absolute: string): string {
  const relative = path.relative(projectRoot, absolute);
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join("/");
}

export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}
