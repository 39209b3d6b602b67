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
