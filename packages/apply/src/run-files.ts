import path from "node:path";
import { isInsideDir, readProjectFile } from "@gembatch/core";

/**
 * The text of a file a state or a result names (a patch, an error log, a candidate), read only from
 * inside `within` and through the guard: a tampered apply_state.json cannot have apply read, print or
 * send a file from elsewhere. Null when it is elsewhere or cannot be read.
 */
export function readInside(
  stored: string | null | undefined,
  options: { projectRoot: string; within: readonly string[] },
): string | null {
  if (!stored) return null;
  const absolute = path.resolve(options.projectRoot, stored);
  for (const dir of options.within) {
    const root = path.resolve(options.projectRoot, dir);
    if (absolute === root || !isInsideDir(root, absolute)) continue;
    try {
      return readProjectFile(root, path.relative(root, absolute), { field: "file" }).bytes.toString("utf8");
    } catch {
      // Not readable from this directory (a link out of it, gone); another may hold it.
    }
  }
  return null;
}
