import { chmod, copyFile, mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "@gembatch/core";
import { sha256Bytes } from "./hash.js";

export interface Backup {
  /** Absolute path of the copy. */
  file: string;
  sha256: string;
  mode: number;
}

/** Copy the original, byte for byte and with its mode, before anything is written over it. */
export async function backupFile(original: string, backup: string): Promise<Backup> {
  const bytes = await readFile(original);
  const { mode } = await stat(original);
  await mkdir(path.dirname(backup), { recursive: true });
  await copyFile(original, backup);
  await chmod(backup, mode & 0o7777);
  return { file: backup, sha256: sha256Bytes(bytes), mode: mode & 0o7777 };
}

/**
 * Replace the file's content all at once (temp file, fsync, rename): a reader or a crash sees the old
 * file or the new one, never half of either. The file keeps its mode.
 */
export async function writeWhole(target: string, bytes: Buffer, mode?: number): Promise<void> {
  const before = await stat(target).then((s) => s.mode & 0o7777, () => undefined);
  await writeFileAtomically(target, bytes);
  const wanted = mode ?? before;
  if (wanted !== undefined) await chmod(target, wanted);
}

/** Put the original back from its backup, checking it is the copy that was taken. */
export async function restoreFile(target: string, backup: Backup): Promise<void> {
  const bytes = await readFile(backup.file);
  if (sha256Bytes(bytes) !== backup.sha256) throw new Error(`backup ${backup.file} does not match the original it was taken from`);
  await writeWhole(target, bytes, backup.mode);
}
