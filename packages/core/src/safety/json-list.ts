import { readFileSync } from "node:fs";
import path from "node:path";
import { CliError } from "../errors.js";
import { writeFileAtomicallySync } from "../state/atomic-write.js";

/**
 * A small JSON array file in the project's state directory (the edit journal, the verify process
 * groups). Written whole (temp file, fsync, rename) so a crash or a power cut leaves the old list or the
 * new one; a file that exists but cannot be read is reported, never taken as empty, since an empty
 * journal would forget a candidate left on disk.
 */
export function readJsonList<T>(file: string, isEntry: (value: unknown) => value is T): T[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw corrupt(file, (error as NodeJS.ErrnoException).code ?? "unreadable");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt(file, "not valid JSON");
  }
  if (!Array.isArray(parsed) || !parsed.every(isEntry)) throw corrupt(file, "not a list of entries gembatch wrote");
  return parsed;
}

export function writeJsonList(file: string, entries: readonly unknown[]): void {
  writeFileAtomicallySync(file, `${JSON.stringify(entries, null, 1)}\n`);
}

function corrupt(file: string, why: string): CliError {
  return new CliError(
    "STATE_CORRUPT",
    `${path.basename(file)} in gembatch's state directory is unreadable (${why}); it was left untouched`,
    {
      hint: `inspect ${file}: it lists what an earlier run left behind; move it aside only once you have checked those files by hand`,
      details: { file },
    },
  );
}
