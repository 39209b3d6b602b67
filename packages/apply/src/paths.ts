import path from "node:path";

export function toPosix(relative: string): string {
  return relative.split(path.sep).join("/");
}

/** Paths in results: relative to the project root with `/`, absolute only outside it. */
export function shownPath(projectRoot: string, absolute: string): string {
  const relative = path.relative(projectRoot, absolute);
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolute;
  return toPosix(relative);
}

export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** `orders/service.py` → `service`, for file names in the run directory (as send names them). */
function stemOf(file: string): string {
  const base = path.posix.basename(file);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.replace(/[^\w.-]+/g, "_") || "file";
}

/** `<n>_<stem>`: the per-file prefix of every apply artefact. */
export function fileKey(n: number, file: string): string {
  return `${n}_${stemOf(file)}`;
}
