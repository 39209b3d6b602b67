import { redactSecrets } from "../log/redact.js";

/**
 * Write a whole file or nothing: temp file, fsync, rename (write-file-atomic, loaded on use). Text is
 * scrubbed of secrets on its way out; bytes (a project file's exact content) are written as given.
 */
export async function writeFileAtomically(file: string, content: string | Buffer, options: { mode?: number } = {}): Promise<void> {
  const { default: writeFileAtomic } = await import("write-file-atomic");
  const data = typeof content === "string" ? redactSecrets(content) : content;
  await writeFileAtomic(file, data, { fsync: true, ...(options.mode === undefined ? {} : { mode: options.mode }) });
}

/**
 * Create `<parent>/<name>`, or `<name>_2`, `<name>_3`… when a run that started in the same second took
 * it: mkdir without `recursive` fails on an existing directory, so two processes never share one.
 */
export async function createUniqueDir(parent: string, name: string): Promise<string> {
  const { mkdirSync } = await import("node:fs");
  const { join } = await import("node:path");
  mkdirSync(parent, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = join(parent, n === 1 ? name : `${name}_${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || n >= 10_000) throw error;
    }
  }
}
