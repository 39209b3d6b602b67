/** Write a whole file or nothing: temp file, fsync, rename (write-file-atomic, loaded on use). */
export async function writeFileAtomically(file: string, text: string | Buffer): Promise<void> {
  const { default: writeFileAtomic } = await import("write-file-atomic");
  await writeFileAtomic(file, text, { fsync: true });
}
