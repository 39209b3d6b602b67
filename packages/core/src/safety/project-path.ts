import { constants, lstatSync, mkdirSync, openSync, readFileSync, closeSync, realpathSync, fstatSync } from "node:fs";
import path from "node:path";
import { CliError } from "../errors.js";
import { writeFileAtomically } from "../state/atomic-write.js";

/**
 * The one project-root guard. Every reader of project files (context files, imports, files to fix) and
 * every writer into the project (extract, apply, report, ledger, state) resolves its path here, at the
 * moment of use: the path is taken apart component by component from the real root, a symlink is
 * followed only while it stays inside the root, and `.git` is never read or written.
 */
interface GuardOptions {
  /** The field or role the path came from, for the message: `files_to_fix[2]`, `context_files[0]`. */
  field: string;
  /**
   * `write`: the last component may be missing (it is created) and must not be a symlink. `locate`: only
   * that the path stays inside the root (a directory, the root itself, or a path not made yet).
   */
  purpose: "read" | "write" | "locate";
  /** Allow paths inside `.git` (never for model-facing reads or writes). */
  allowGit?: boolean;
  /** How the path is shown in messages (the value as the user gave it); default `candidate`. */
  display?: string;
}

interface GuardedPath {
  /** Absolute path with every existing component resolved (no symlink left in it). */
  real: string;
  /** POSIX path relative to the real root: what results and markers name. */
  relative: string;
  /** Whether the target exists now. */
  exists: boolean;
}

const realRoots = new Map<string, string>();

function realRootOf(root: string): string {
  const absolute = path.resolve(root);
  let real = realRoots.get(absolute);
  if (!real) {
    real = realpathSync(absolute);
    realRoots.set(absolute, real);
  }
  return real;
}

export function isInsideDir(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative));
}

function refuse(options: GuardOptions, shown: string, why: string): CliError {
  return new CliError("PATH_OUTSIDE_PROJECT", `${options.field}: ${why}: ${shown}`, {
    hint: "gembatch reads and writes only regular files inside the project root, never through a symlink that leaves it, and never inside .git",
  });
}

function isGitSegment(segment: string): boolean {
  return segment.toLowerCase() === ".git";
}

/**
 * Resolve `candidate` (absolute, or relative to `root`) inside the project, or throw PATH_OUTSIDE_PROJECT
 * naming the field. Components that exist are resolved one at a time; a symlink among them must land
 * inside the root. For writes, missing trailing components are allowed and the last one must not be a
 * symlink (a write never goes through a link).
 */
export function guardProjectPath(root: string, candidate: string, options: GuardOptions): GuardedPath {
  const realRoot = realRootOf(root);
  const shown = options.display ?? candidate;
  if (candidate.includes("\0")) throw refuse(options, JSON.stringify(candidate), "a NUL byte in the path");
  const absolute = path.resolve(root, candidate);
  const lexical = path.relative(path.resolve(root), absolute);
  if (lexical === "" && options.purpose === "locate") return { real: realRoot, relative: "", exists: true };
  if (lexical === "") throw refuse(options, shown, "the project root itself is not a file");
  if (lexical === ".." || lexical.startsWith(`..${path.sep}`) || path.isAbsolute(lexical)) {
    // An absolute path may still name the root by its real path.
    const viaReal = path.relative(realRoot, absolute);
    if (viaReal === "" && options.purpose === "locate") return { real: realRoot, relative: "", exists: true };
    if (viaReal === ".." || viaReal.startsWith(`..${path.sep}`) || path.isAbsolute(viaReal) || viaReal === "")
      throw refuse(options, shown, "outside the project root");
    return guardProjectPath(realRoot, viaReal, { ...options, display: shown });
  }
  const segments = lexical.split(path.sep);
  if (!options.allowGit && segments.some(isGitSegment)) throw refuse(options, shown, "inside .git");
  let current = realRoot;
  let exists = true;
  for (const [i, segment] of segments.entries()) {
    const next = path.join(current, segment);
    const last = i === segments.length - 1;
    let stat;
    try {
      stat = lstatSync(next);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        throw refuse(options, shown, `cannot be checked (${(error as NodeJS.ErrnoException).code})`);
      exists = false;
      current = path.join(current, ...segments.slice(i));
      break;
    }
    if (stat.isSymbolicLink()) {
      if (last && options.purpose === "write")
        throw refuse(options, shown, "a symlink (gembatch never writes through a link)");
      let target: string;
      try {
        target = realpathSync(next);
      } catch {
        throw refuse(options, shown, "a dangling symlink");
      }
      if (!isInsideDir(realRoot, target)) throw refuse(options, shown, "a symlink that leads outside the project root");
      const relTarget = path.relative(realRoot, target);
      if (!options.allowGit && relTarget.split(path.sep).some(isGitSegment))
        throw refuse(options, shown, "a symlink into .git");
      current = target;
    } else {
      current = next;
    }
  }
  if (exists && options.purpose === "read") {
    const stat = lstatSync(current);
    if (!stat.isFile())
      throw refuse(options, shown, stat.isDirectory() ? "a directory, not a file" : "not a regular file");
  }
  if (exists && options.purpose === "write" && !lstatSync(current).isFile())
    throw refuse(options, shown, "not a regular file");
  return { real: current, relative: path.relative(realRoot, current).split(path.sep).join("/"), exists };
}

/** Whether a path passes the guard (for walkers that skip rather than refuse). */
export function isSafeProjectPath(root: string, candidate: string, purpose: GuardOptions["purpose"] = "read"): boolean {
  try {
    guardProjectPath(root, candidate, { field: "path", purpose });
    return true;
  } catch {
    return false;
  }
}

/**
 * Read a project file's bytes through the guard. The checked real path is opened with O_NOFOLLOW, so a
 * last component swapped for a symlink after the check is refused rather than followed.
 */
export function readProjectFile(
  root: string,
  candidate: string,
  options: Omit<GuardOptions, "purpose">,
): { bytes: Buffer; real: string; relative: string } {
  const guarded = guardProjectPath(root, candidate, { ...options, purpose: "read" });
  const shown = options.display ?? candidate;
  let fd: number;
  try {
    fd = openSync(guarded.real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError("FILE_NOT_FOUND", `${options.field}: file not found: ${shown}`);
    throw refuse(
      { ...options, purpose: "read" },
      shown,
      code === "ELOOP" ? "became a symlink while being read" : `cannot be read (${code})`,
    );
  }
  try {
    if (!fstatSync(fd).isFile()) throw refuse({ ...options, purpose: "read" }, shown, "not a regular file");
    return { bytes: readFileSync(fd), real: guarded.real, relative: guarded.relative };
  } finally {
    closeSync(fd);
  }
}

/**
 * Make the parent directories of a project path that is about to be written, then check the guard
 * again: a directory created or swapped in between must not carry the write outside the root.
 */
function prepareProjectWrite(root: string, candidate: string, options: Omit<GuardOptions, "purpose">): GuardedPath {
  const first = guardProjectPath(root, candidate, { ...options, purpose: "write" });
  mkdirSync(path.dirname(first.real), { recursive: true });
  return guardProjectPath(root, candidate, { ...options, purpose: "write" });
}

/**
 * Write a whole project file through the guard, with core's atomic write onto the checked real path.
 * Its rename replaces whatever name is there without following it, so a last component swapped for a
 * symlink after the check is replaced, never written through. The file gets `mode` when given, else the
 * mode it had (new files: 0666 less the umask).
 */
export async function writeProjectFile(
  root: string,
  candidate: string,
  bytes: Buffer | string,
  options: Omit<GuardOptions, "purpose"> & { mode?: number },
): Promise<GuardedPath> {
  const guarded = prepareProjectWrite(root, candidate, options);
  // Bytes, not text: a project file is written exactly as given, never scrubbed.
  await writeFileAtomically(guarded.real, typeof bytes === "string" ? Buffer.from(bytes) : bytes, {
    ...(options.mode === undefined ? {} : { mode: options.mode }),
  });
  return guarded;
}
