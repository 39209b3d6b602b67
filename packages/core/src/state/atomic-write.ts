import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { redactSecrets } from "../log/redact.js";

/**
 * Write a whole file or nothing: temp file, fsync, rename (write-file-atomic, loaded on use). Text is
 * scrubbed of secrets on its way out; bytes (a project file's exact content) are written as given.
 */
export async function writeFileAtomically(
  file: string,
  content: string | Buffer,
  options: { mode?: number } = {},
): Promise<void> {
  const { default: writeFileAtomic } = await import("write-file-atomic");
  const data = typeof content === "string" ? redactSecrets(content) : content;
  await writeFileAtomic(file, data, { fsync: true, ...(options.mode === undefined ? {} : { mode: options.mode }) });
}

/**
 * The same, synchronously, for callers whose order of work matters (send writes each request file just
 * before its budget reservation and its call): scrubbed text, temp file, fsync, rename.
 */
export function writeFileAtomicallySync(file: string, content: string | Buffer, options: { mode?: number } = {}): void {
  const data = typeof content === "string" ? Buffer.from(redactSecrets(content)) : content;
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    const fd = openSync(temp, "wx", options.mode ?? 0o666);
    try {
      for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Append text to a file someone else also writes (a CI step summary), scrubbed of secrets first. */
export async function appendTextFile(file: string, text: string): Promise<void> {
  await appendFile(file, redactSecrets(text));
}

/**
 * Create `<parent>/<name>`, or `<name>_2`, `<name>_3`… when a run that started in the same second took
 * it: mkdir without `recursive` fails on an existing directory, so two processes never share one.
 */
export function createUniqueDir(parent: string, name: string): string {
  mkdirSync(parent, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? name : `${name}_${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || n >= 10_000) throw error;
    }
  }
}
