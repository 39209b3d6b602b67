import { lstatSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import fg from "fast-glob";
import {
  CliError,
  escapeForTerminal,
  estimateTokens,
  modelLimits,
  toCliError,
  writeFileAtomically,
  type Pricing,
} from "@gembatch/core";
import { isInside, toPosix } from "@gembatch/scan";
import { collectImports } from "./imports.js";
import { readProjectText } from "./project-text.js";
import { checkReportPath, renderReport, type ContextFile } from "./render-report.js";

const UNKNOWN_MODEL_INPUT_LIMIT = 1_048_576;

type ContextReason = "fix" | "explicit" | "glob" | "import";

export interface ContextEntry {
  path: string;
  tokens: number;
  bytes: number;
  reason: ContextReason;
}

interface BuildReportOptions {
  /** Absolute project root: report paths are relative to it, and no file may be outside it. */
  root: string;
  /** Base for the given paths and globs. */
  cwd: string;
  issue: string;
  filesToFix: string[];
  contextFiles?: string[] | undefined;
  contextGlobs?: string[] | undefined;
  includeImports?: boolean | undefined;
  importDepth?: number | undefined;
  details: string;
  project: string;
  task: string;
  status?: string | undefined;
  tokenLimit: { limit: number; source: string };
}

interface BuiltReport {
  text: string;
  filesToFix: string[];
  contextFiles: ContextEntry[];
  totalTokens: number;
  /** Globs that matched no file. */
  unmatchedGlobs: string[];
  /** Files found by a glob or by following imports that were left out, each with why (one line). */
  skipped: string[];
}

/** The input budget: `max_context_tokens` when smaller, else the model's input limit (1,048,576 when unknown). */
export function tokenLimitFor(options: {
  model: string;
  pricing?: Pricing | undefined;
  maxContextTokens?: number | undefined;
  warn?: (message: string) => void;
}): { limit: number; source: string } {
  const known = modelLimits(options.model, options.pricing);
  if (!known)
    options.warn?.(
      `model "${options.model}" has no known input limit; assuming ${UNKNOWN_MODEL_INPUT_LIMIT.toLocaleString("en-US")} tokens`,
    );
  const modelLimit = known?.input ?? UNKNOWN_MODEL_INPUT_LIMIT;
  if (options.maxContextTokens !== undefined && options.maxContextTokens < modelLimit)
    return { limit: options.maxContextTokens, source: "max_context_tokens" };
  return { limit: modelLimit, source: `input limit of ${options.model}` };
}

/**
 * Resolve a given path against `cwd`: it must name something inside the root (errors name the field,
 * exit 2). Whether it may be read (no symlink out, nothing in `.git`) is checked when it is read.
 */
function resolveProjectFile(options: { root: string; cwd: string; field: string; value: string }): string {
  const absolute = path.resolve(options.cwd, options.value);
  if (!isInside(options.root, absolute))
    throw new CliError("PATH_OUTSIDE_PROJECT", `${options.field}: outside the project root: ${options.value}`);
  if (!lstatSync(absolute, { throwIfNoEntry: false }))
    throw new CliError("FILE_NOT_FOUND", `${options.field}: file not found: ${options.value}`);
  return absolute;
}

/**
 * The files each glob matches. Symlinked directories are not walked; a matched symlink is kept so that
 * the guard, when the file is read, either takes it (it stays in the project) or leaves it out aloud.
 */
function globFiles(options: BuildReportOptions, unmatched: string[]): Array<{ absolute: string; field: string }> {
  const out: Array<{ absolute: string; field: string }> = [];
  (options.contextGlobs ?? []).forEach((pattern, i) => {
    const field = `context_globs[${i}]`;
    const entries = fg.sync(pattern, {
      cwd: options.cwd,
      absolute: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      objectMode: true,
      dot: false,
      ignore: ["**/node_modules/**", "**/.git/**"],
    });
    const matches = entries
      .filter((entry) => entry.dirent.isFile() || (entry.dirent.isSymbolicLink() && !isDirectoryLink(entry.path)))
      .map((entry) => entry.path);
    if (matches.length === 0) unmatched.push(pattern);
    for (const absolute of matches.sort()) {
      if (!isInside(options.root, absolute))
        throw new CliError("PATH_OUTSIDE_PROJECT", `${field}: matches files outside the project root: ${pattern}`);
      out.push({ absolute, field });
    }
  });
  return out;
}

function isDirectoryLink(absolute: string): boolean {
  return statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function tooLarge(options: {
  total: number;
  limit: { limit: number; source: string };
  entries: ContextEntry[];
}): CliError {
  const droppable = options.entries.filter((e) => e.reason !== "fix").sort((a, b) => b.tokens - a.tokens);
  const drop: ContextEntry[] = [];
  let total = options.total;
  for (const entry of droppable) {
    if (total <= options.limit.limit) break;
    drop.push(entry);
    total -= entry.tokens;
  }
  const over = `report: ~${options.total} tokens is over the limit of ${options.limit.limit} (${options.limit.source})`;
  const details = {
    total_tokens: options.total,
    token_limit: options.limit.limit,
    drop: drop.map(({ path: file, tokens }) => ({ path: file, tokens })),
  };
  if (total > options.limit.limit) {
    return new CliError("BAD_INPUT", `${over}; the files to fix alone do not fit`, {
      hint: "split files_to_fix over several reports (one issue each), or raise max_context_tokens",
      details,
    });
  }
  const list = drop.map((e) => `${e.path} (~${e.tokens} tokens)`).join(", ");
  return new CliError("BAD_INPUT", `${over}; drop these context files to fit: ${list}`, {
    hint: "leave them out of context_files/context_globs, or turn off include_imports",
    details,
  });
}

/** Gather, read and render: the files to fix first (they are context too), then listed files, globs and imports. */
export function buildReport(options: BuildReportOptions): BuiltReport {
  const root = options.root;
  const entries = new Map<string, { absolute: string; field: string; reason: ContextReason }>();
  const add = (absolute: string, field: string, reason: ContextReason) => {
    if (!entries.has(absolute)) entries.set(absolute, { absolute, field, reason });
  };
  const fix = options.filesToFix.map((value, i) =>
    resolveProjectFile({ root, cwd: options.cwd, field: `files_to_fix[${i}]`, value }),
  );
  fix.forEach((absolute, i) => add(absolute, `files_to_fix[${i}]`, "fix"));
  (options.contextFiles ?? []).forEach((value, i) => {
    const field = `context_files[${i}]`;
    add(resolveProjectFile({ root, cwd: options.cwd, field, value }), field, "explicit");
  });
  const unmatchedGlobs: string[] = [];
  for (const { absolute, field } of globFiles(options, unmatchedGlobs)) add(absolute, field, "glob");
  if (options.includeImports) {
    for (const absolute of collectImports({ root, files: fix, depth: options.importDepth ?? 1 }))
      add(absolute, "include_imports", "import");
  }
  const rel = (absolute: string) => toPosix(path.relative(root, absolute));
  const files: ContextFile[] = [];
  const contextEntries: ContextEntry[] = [];
  const skipped: string[] = [];
  for (const entry of entries.values()) {
    let file: string;
    let read: { text: string; bytes: number };
    try {
      file = checkReportPath(entry.field, rel(entry.absolute));
      // Read through the guard now, not only when the path was found: the tree may have changed since.
      read = readProjectText(root, entry.absolute, { field: entry.field, display: file });
    } catch (error) {
      // A file the user named is an error; one a glob or an import found is left out, aloud.
      if (entry.reason === "fix" || entry.reason === "explicit") throw error;
      skipped.push(escapeForTerminal(`${toCliError(error).message}; left out of the report`));
      continue;
    }
    files.push({ path: file, content: read.text });
    contextEntries.push({ path: file, tokens: estimateTokens(read.text), bytes: read.bytes, reason: entry.reason });
  }
  const text = renderReport({
    issue: options.issue,
    project: options.project,
    task: options.task,
    ...(options.status ? { status: options.status } : {}),
    filesToFix: fix.map(rel),
    details: options.details,
    contextFiles: files,
  });
  const totalTokens = estimateTokens(text);
  if (totalTokens > options.tokenLimit.limit)
    throw tooLarge({ total: totalTokens, limit: options.tokenLimit, entries: contextEntries });
  return { text, filesToFix: fix.map(rel), contextFiles: contextEntries, totalTokens, unmatchedGlobs, skipped };
}

/** Write the report whole (temp file, fsync, rename), scrubbed of secrets: it is a prompt to be. */
export async function writeReport(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, text);
}

/** `fix_<issue>.md`, with anything but letters, digits, `.`, `_` and `-` turned into `_`. */
export function reportFileName(issue: string): string {
  const slug = issue
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|_+$/g, "");
  return `fix_${slug || "issue"}.md`;
}
