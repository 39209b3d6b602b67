import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { CliError, createUniqueDir, localStamp, writeFileAtomicallySync } from "@gembatch/core";
import type { SendOptions } from "./types.js";

export const SUMMARY_FILE = "BATCH_SUMMARY.json";
export const LOG_FILE = "send_log.jsonl";
export const DRY_RUN_FILE = "DRY_RUN_ESTIMATE.json";
const PARTS_DIR = "parts";

/** The file's basename without its extension; n keeps two `utils.py` apart. */
export function stemOf(file: string): string {
  const base = path.posix.basename(file);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.replace(/[^\w.-]+/g, "_") || "file";
}

export interface FileNames {
  request: string;
  response: string;
  meta: string;
  partRequest(k: number): string;
  partResponse(k: number): string;
}

/** Names inside the run directory. Parts live in a subdirectory so a `response_*.md` glob finds only whole replies. */
export function fileNames(n: number, file: string): FileNames {
  const id = `${n}_${stemOf(file)}`;
  return {
    request: `request_${id}.md`,
    response: `response_${id}.md`,
    meta: `response_${id}.meta.json`,
    partRequest: (k) => path.posix.join(PARTS_DIR, `request_${id}.part${k}.md`),
    partResponse: (k) => path.posix.join(PARTS_DIR, `response_${id}.part${k}.md`),
  };
}

/**
 * Write a run file whole (temp file, fsync, rename), so a reader or a resumed run never sees half of
 * it, and scrubbed of secrets: requests, replies, metas and summaries may all quote an error body.
 * Synchronous, so requests and budget reservations keep the order the files were planned in.
 */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomicallySync(file, text);
}

export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** True when the directory already holds (part of) a send run that --resume could continue. */
export function holdsRun(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((name) => name === SUMMARY_FILE || name.endsWith(".meta.json"));
}

/** Paths in results are relative to the project root (POSIX), absolute only outside it. */
export function displayPath(projectRoot: string, absolute: string): string {
  const relative = path.relative(projectRoot, absolute);
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join("/");
}

/**
 * The run directory: `output_dir` as given (refused if it holds another run, unless resuming), else a fresh stamped
 * one.
 */
export function openRunDir(options: SendOptions, now: number): string {
  if (!options.outputDir) return createUniqueDir(options.tmpDir, `gemini_batch_${localStamp(new Date(now))}`);
  const dir = path.resolve(options.cwd, options.outputDir);
  if (!options.resume && holdsRun(dir)) {
    throw new CliError("BAD_INPUT", `output_dir: ${options.outputDir} already holds a send run`, {
      hint: "pass --resume to continue it (answered files are skipped), or choose another output_dir",
    });
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}
