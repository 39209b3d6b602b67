import { guardProjectPath, readProjectFile, toCliError } from "@gembatch/core";
import type { RefusalCode } from "./types.js";

type ProjectTarget = { ok: true; original: Buffer | null } | { ok: false; code: RefusalCode; reason: string };

/**
 * Where a block would land in the project, checked by core's guard as a write (no symlink out of the
 * root or into .git on the way, the file itself not a link), and what is there now (null: a new file).
 */
export function readProjectTarget(root: string, file: string): ProjectTarget {
  try {
    if (!guardProjectPath(root, file, { field: "path", purpose: "write" }).exists) return { ok: true, original: null };
    return { ok: true, original: readProjectFile(root, file, { field: "path" }).bytes };
  } catch (error) {
    const failure = toCliError(error);
    if (failure.code === "FILE_NOT_FOUND") return { ok: true, original: null };
    if (failure.code !== "PATH_OUTSIDE_PROJECT") throw failure;
    return {
      ok: false,
      code: /outside the project root/.test(failure.message) ? "outside_project" : "unsafe_path",
      reason: failure.message,
    };
  }
}
