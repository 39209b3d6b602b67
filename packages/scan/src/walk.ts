import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import {
  createIgnoreMatcher,
  dirOf,
  GEMBATCHIGNORE,
  GITIGNORE,
  hasNegation,
  pruneGlobsFor,
  type IgnoreFile,
} from "./ignore.js";

const DEFAULT_EXCLUDES = ["**/node_modules/**", "**/__pycache__/**", "**/venv/**"];

type SkipReason =
  | "binary"
  | "too-large"
  | "unreadable"
  | "symlink-outside-root"
  | "symlink-directory"
  | "broken-symlink"
  | "inside-git"
  | "not-found";

export interface Skipped {
  file: string;
  reason: SkipReason;
  detail?: string;
}

export interface WalkOptions {
  /** Absolute project root; every path is reported relative to it, with `/` separators. */
  root: string;
  /** Files or directories to scan, relative to the root (default: the whole root). */
  paths?: string[] | undefined;
  gitignore?: boolean | undefined;
  /** Also walk dot files and dot directories (a given path inside one is always walked). */
  hidden?: boolean | undefined;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  defaultExcludes?: boolean | undefined;
  /** Exact posix paths never listed by the walk (the config and rules files: a rule's pattern matches itself). */
  skipFiles?: string[] | undefined;
  /** When set, only these posix paths are listed, and only directories that lead to one are entered. */
  only?: string[] | undefined;
}

interface WalkResult {
  files: string[];
  skipped: Skipped[];
  /** The ignore files that applied. */
  ignoreFiles: string[];
}

export function toPosix(relPath: string): string {
  return relPath.split(path.sep).join("/");
}

/** A path for messages and results: relative to `cwd` when inside it, else absolute. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/** True when `target` is the root or inside it (both absolute and already resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function readIgnore(root: string, relPath: string, dir?: string): IgnoreFile | undefined {
  try {
    return {
      path: relPath,
      content: readFileSync(path.join(root, relPath), "utf8"),
      ...(dir === undefined ? {} : { dir }),
    };
  } catch {
    return undefined; // absent or unreadable: it ignores nothing, as with git
  }
}

/** Ignore files of the root and of every directory between the root and a given path. */
function ancestorIgnores(root: string, names: string[], dirs: string[]): IgnoreFile[] {
  const wanted = new Set<string>([""]);
  for (const dir of dirs) {
    for (let d = dir; d !== ""; d = dirOf(d)) wanted.add(d);
  }
  const files: IgnoreFile[] = [];
  if (names.includes(GITIGNORE)) {
    const info = readIgnore(root, ".git/info/exclude", "");
    if (info) files.push(info);
  }
  for (const dir of [...wanted].sort()) {
    for (const name of names) {
      const file = readIgnore(root, dir === "" ? name : `${dir}/${name}`);
      if (file) files.push(file);
    }
  }
  return files;
}

const isGitPath = (rel: string) => rel.split(path.sep).some((segment) => segment.toLowerCase() === ".git");

interface Targets {
  explicitFiles: string[];
  dirs: string[];
  missing: string[];
  refused: Skipped[];
}

function targets(root: string, realRoot: string, paths: string[]): Targets {
  const result: Targets = { explicitFiles: [], dirs: [], missing: [], refused: [] };
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    const rel = toPosix(path.relative(root, absolute));
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      result.missing.push(rel || given);
      continue;
    }
    if (!isDirectory) {
      result.explicitFiles.push(rel);
      continue;
    }
    // A directory given by a path through a symlink is walked only while it stays in the root and out of .git.
    const real = realpathSync(absolute);
    if (!isInside(realRoot, real))
      result.refused.push({
        file: rel || given,
        reason: "symlink-outside-root",
        detail: "not followed: it points outside the project root",
      });
    else if (isGitPath(path.relative(realRoot, real)))
      result.refused.push({ file: rel || given, reason: "inside-git", detail: "nothing inside .git is scanned" });
    else result.dirs.push(rel);
  }
  return result;
}

const isHidden = (rel: string) => rel.startsWith(".") || rel.includes("/.");

interface Entry {
  /** Posix path relative to the root. */
  path: string;
  name: string;
  dirent: Dirent;
}

/**
 * Globs of the form `prefix/**` prune a directory whole, so the walk never enters it; every glob
 * is also matched against each file, as fast-glob's `ignore` did.
 */
function ignoreMatchers(globs: string[]) {
  const pruning = globs.filter((glob) => glob.endsWith("/**")).map((glob) => glob.slice(0, -3));
  const dirIgnored = pruning.length > 0 ? picomatch(pruning, { dot: true }) : () => false;
  const fileIgnored = globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
  return { dirIgnored, fileIgnored };
}

/**
 * One `readdir` per directory with its entry types: a link is listed as a link, never followed.
 * (A crawler library such as fdir reports links as files or follows them; the caller needs to tell.)
 */
function list(root: string, dirs: string[], ignore: string[], only?: string[]): Entry[] {
  const { dirIgnored, fileIgnored } = ignoreMatchers(ignore);
  const onlyFiles = only && new Set(only);
  const onlyDirs =
    only &&
    new Set(
      only.flatMap((file) =>
        file
          .split("/")
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
      ),
    );
  const entries: Entry[] = [];
  const visit = (rel: string) => {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(rel === "" ? root : path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // unreadable or vanished: as fast-glob's suppressErrors did
    }
    for (const dirent of dirents) {
      const child = rel === "" ? dirent.name : `${rel}/${dirent.name}`;
      if (dirent.isDirectory()) {
        if (dirIgnored(child) || (onlyDirs && !onlyDirs.has(child))) continue;
        entries.push({ path: child, name: dirent.name, dirent });
        visit(child);
      } else if (!fileIgnored(child) && (!onlyFiles || onlyFiles.has(child)))
        entries.push({ path: child, name: dirent.name, dirent });
    }
  };
  const seen = new Set<string>();
  for (const dir of dirs) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    const ancestors = dir.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
    if (dir !== "" && ancestors.some((ancestor) => dirIgnored(ancestor))) continue;
    if (dir !== "" && onlyDirs && !onlyDirs.has(dir)) continue;
    visit(dir);
  }
  return entries;
}

/**
 * List the files to scan in one walk, with `.gitignore` (nested ones too, `.git/info/exclude`)
 * and `.gembatchignore` applied with git's semantics, and no symlink followed out of the root.
 * Directories the root's ignore files exclude are never entered. Paths outside the root must be
 * rejected by the caller.
 */
export function walk(options: WalkOptions): WalkResult {
  const root = path.resolve(options.root);
  const realRoot = realpathSync(root);
  const names = options.gitignore === false ? [GEMBATCHIGNORE] : [GITIGNORE, GEMBATCHIGNORE];
  const { explicitFiles, dirs, missing, refused } = targets(
    root,
    realRoot,
    options.paths?.length ? options.paths : ["."],
  );
  const hidden = options.hidden ?? dirs.some(isHidden);
  const baseIgnore = [
    "**/.git/**",
    ...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES),
    ...(options.exclude ?? []),
    ...(hidden ? [] : ["**/.*/**"]),
  ];
  // With a list of files, the ignore files that matter are those of the directories leading to them.
  const onlyDirs =
    options.only
      ?.map(dirOf)
      .filter((dir) => dirs.some((walked) => walked === "" || dir === walked || dir.startsWith(`${walked}/`))) ?? [];
  const ancestors = ancestorIgnores(root, names, [...dirs, ...onlyDirs]);
  const prune = pruneGlobsFor(ancestors);
  let entries = list(root, dirs, [...baseIgnore, ...prune.anchored, ...prune.unanchored], options.only);
  const known = new Set(ancestors.map((file) => file.path));
  const nested = entries
    .filter((entry) => names.includes(entry.name) && entry.dirent.isFile() && !known.has(entry.path))
    .map((entry) => readIgnore(root, entry.path))
    .filter((file): file is IgnoreFile => file !== undefined);
  // A deeper `!name` can re-include what an unanchored root rule ignores: walk those directories after all.
  if (prune.unanchored.length > 0 && hasNegation(nested))
    entries = list(root, dirs, [...baseIgnore, ...prune.anchored], options.only);
  let ignoreFiles = [...ancestors, ...nested];
  let matcher = createIgnoreMatcher(ignoreFiles);
  const live = ignoreFiles.filter((file) => file.dir !== undefined || !matcher.ignores(file.path));
  if (live.length !== ignoreFiles.length) matcher = createIgnoreMatcher((ignoreFiles = live));

  const skipped: Skipped[] = [...missing.map((file): Skipped => ({ file, reason: "not-found" })), ...refused];
  const include = options.include?.length ? picomatch(options.include, { dot: true }) : undefined;
  const files = new Set<string>();
  const symlinks: string[] = [];
  const skipFiles = new Set(options.skipFiles);
  for (const entry of entries) {
    if (entry.dirent.isDirectory() || skipFiles.has(entry.path)) continue;
    if (!hidden && isHidden(entry.path)) continue;
    if (matcher.ignores(entry.path)) continue;
    if (include && !include(entry.path)) continue;
    if (entry.dirent.isSymbolicLink()) symlinks.push(entry.path);
    else if (entry.dirent.isFile()) files.add(entry.path);
  }
  const seenReal = new Set<string>();
  const onlySet = options.only && new Set(options.only);
  for (const rel of [...symlinks, ...explicitFiles.filter((file) => !onlySet || onlySet.has(file))]) {
    let real: string;
    try {
      real = realpathSync(path.join(root, rel));
    } catch {
      skipped.push({ file: rel, reason: "broken-symlink" });
      continue;
    }
    if (!isInside(realRoot, real)) {
      skipped.push({
        file: rel,
        reason: "symlink-outside-root",
        detail: "not followed: it points outside the project root",
      });
      continue;
    }
    // `.git` holds remotes with tokens and hooks: what a finding quotes from it would reach a report and the model.
    if (isGitPath(path.relative(realRoot, real))) {
      skipped.push({ file: rel, reason: "inside-git", detail: "nothing inside .git is scanned" });
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(real).isDirectory();
    } catch {
      skipped.push({ file: rel, reason: "unreadable" });
      continue;
    }
    if (isDirectory) {
      skipped.push({ file: rel, reason: "symlink-directory", detail: "symlinked directories are not walked" });
      continue;
    }
    // A link to a file that is scanned anyway would only repeat its findings.
    const realRel = toPosix(path.relative(realRoot, real));
    if ((realRel !== rel && files.has(realRel)) || seenReal.has(real)) continue;
    seenReal.add(real);
    files.add(rel);
  }
  return { files: [...files].sort(), skipped, ignoreFiles: ignoreFiles.map((file) => file.path) };
}
