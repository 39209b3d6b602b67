import { lstatSync } from "node:fs";
import path from "node:path";
import { CliError, isInsideDir, readProjectFile, writeProjectFile } from "@gembatch/core";
import { sha256Bytes } from "./hash.js";

export interface Backup {
  /** Absolute path of the copy. */
  file: string;
  sha256: string;
  mode: number;
}

/** Where a run keeps the originals: `<run_dir>/backups/<path>`. */
const BACKUPS_DIR = "backups";

/** A project file's bytes and mode, read through the guard (never through a link out of the project). */
export function readOriginal(projectRoot: string, file: string): { bytes: Buffer; mode: number } {
  const read = readProjectFile(projectRoot, file, { field: "path" });
  return { bytes: read.bytes, mode: lstatSync(read.real).mode & 0o7777 };
}

/**
 * Copy the original, byte for byte and with its mode, to `<run_dir>/backups/<file>` before anything is
 * written over it. Both ends go through the guard: the original is a project file, the copy stays in the
 * run's backups directory even when a directory there is a link.
 */
export async function backupFile(options: { projectRoot: string; runDir: string; file: string }): Promise<Backup> {
  const { bytes, mode } = readOriginal(options.projectRoot, options.file);
  await writeProjectFile(options.runDir, `${BACKUPS_DIR}/${options.file}`, bytes, { field: "backup_file", mode });
  return { file: path.join(options.runDir, BACKUPS_DIR, options.file), sha256: sha256Bytes(bytes), mode };
}

/**
 * Replace a project file's content all at once through the guard, checked at the moment of the write
 * (temp file, fsync, rename): a reader or a crash sees the old file or the new one, never half of
 * either, and a directory swapped for a link since the file was read is refused. The file gets `mode`.
 */
export async function writeWhole(options: {
  projectRoot: string;
  file: string;
  bytes: Buffer;
  mode: number | null;
}): Promise<void> {
  await writeProjectFile(options.projectRoot, options.file, options.bytes, {
    field: "path",
    ...(options.mode === null ? {} : { mode: options.mode }),
  });
}

/**
 * Put the original back from its backup, checking it is the copy that was taken. The backup is read
 * only from the run's backups directory (a state file that names another file is refused), and the
 * project file is written through the guard with the original's mode.
 */
export async function restoreFile(options: {
  projectRoot: string;
  runDir: string;
  file: string;
  backup: Backup;
}): Promise<void> {
  const { backup } = options;
  const backupsDir = path.join(options.runDir, BACKUPS_DIR);
  if (!isInsideDir(backupsDir, backup.file) || backup.file === backupsDir) {
    throw new CliError(
      "PATH_OUTSIDE_PROJECT",
      `backup_file: not in the run's ${BACKUPS_DIR}/ directory: ${backup.file}`,
      { hint: "the apply state names backups only under <run_dir>/backups/; restore the file by hand from git" },
    );
  }
  const { bytes } = readProjectFile(options.runDir, path.relative(options.runDir, backup.file), {
    field: "backup_file",
  });
  if (sha256Bytes(bytes) !== backup.sha256)
    throw new Error(`backup ${backup.file} does not match the original it was taken from`);
  await writeWhole({ projectRoot: options.projectRoot, file: options.file, bytes, mode: backup.mode });
}
