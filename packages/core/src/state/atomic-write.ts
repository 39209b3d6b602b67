import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from "node:fs";
import { appendFile, lstat, open, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { redactSecrets } from "../log/redact.js";

/*
 * The one atomic write. Hand-written rather than write-file-atomic: that library resolves a symlink at
 * the target and writes through it (a planted link in a run or output directory would carry the write
 * out of it), and it does not fsync the directory, so a crash after the rename could lose the new name.
 */

interface AtomicWriteOptions {
  /** The new file's mode; default: the mode of the file it replaces (new files: 0666 less the umask). */
  mode?: number;
}

interface Plan {
  data: Buffer;
  temp: string;
  mode: number | undefined;
  owner: { uid: number; gid: number } | undefined;
}

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function plan(file: string, content: string | Buffer, options: AtomicWriteOptions, previous: Stats | undefined): Plan {
  const replaced = previous?.isFile() ? previous : undefined;
  return {
    data: typeof content === "string" ? Buffer.from(redactSecrets(content)) : content,
    // Beside the target (a rename never crosses file systems), hidden, and never a name in use (O_EXCL).
    temp: path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`),
    mode: options.mode ?? (replaced ? replaced.mode & 0o7777 : undefined),
    owner: replaced && process.getuid?.() === 0 ? { uid: replaced.uid, gid: replaced.gid } : undefined,
  };
}

function missing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
  throw error;
}

/** Platforms that cannot open or fsync a directory (Windows) only lose the durability of the new name. */
function directorySyncUnsupported(error: unknown): boolean {
  return ["EISDIR", "EPERM", "EINVAL", "ENOTSUP", "EACCES"].includes((error as NodeJS.ErrnoException).code ?? "");
}

/**
 * Write a whole file or nothing: a temp file beside it (O_EXCL, O_NOFOLLOW), fsync, rename, fsync of
 * the directory; the temp file is removed when any step fails. The rename replaces whatever name is
 * there without following it. Text is scrubbed of secrets on its way out; bytes (a project file's exact
 * content) are written as given.
 */
export async function writeFileAtomically(
  file: string,
  content: string | Buffer,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const { data, temp, mode, owner } = plan(file, content, options, await lstat(file).catch(missing));
  try {
    const handle = await open(temp, TEMP_FLAGS, mode === undefined ? 0o666 : 0o600);
    try {
      await handle.writeFile(data);
      if (mode !== undefined) await handle.chmod(mode);
      if (owner) await handle.chown(owner.uid, owner.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  let dir: FileHandle | undefined;
  try {
    dir = await open(path.dirname(file), constants.O_RDONLY);
    await dir.sync();
  } catch (error) {
    if (!directorySyncUnsupported(error)) throw error;
  } finally {
    await dir?.close();
  }
}

/**
 * The same, synchronously, for callers whose order of work matters (send writes each request file just
 * before its budget reservation and its call).
 */
export function writeFileAtomicallySync(
  file: string,
  content: string | Buffer,
  options: AtomicWriteOptions = {},
): void {
  let previous: Stats | undefined;
  try {
    previous = lstatSync(file);
  } catch (error) {
    missing(error);
  }
  const { data, temp, mode, owner } = plan(file, content, options, previous);
  try {
    const fd = openSync(temp, TEMP_FLAGS, mode === undefined ? 0o666 : 0o600);
    try {
      for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
      if (mode !== undefined) fchmodSync(fd, mode);
      if (owner) fchownSync(fd, owner.uid, owner.gid);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectoryOf(file);
}

function syncDirectoryOf(file: string): void {
  let dir: number | undefined;
  try {
    dir = openSync(path.dirname(file), constants.O_RDONLY);
    fsyncSync(dir);
  } catch (error) {
    if (!directorySyncUnsupported(error)) throw error;
  } finally {
    if (dir !== undefined) closeSync(dir);
  }
}

/**
 * Give a file written elsewhere (a streamed download under a `.part` name) its final name as durably as
 * the atomic write does: its data fsynced first, then the rename, then the directory that holds the name.
 */
export function commitFileSync(written: string, file: string): void {
  const fd = openSync(written, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(written, file);
  syncDirectoryOf(file);
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
