import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CompiledRule } from "./rules/compile.js";
import { severityRank, type RuleSpec, type Severity } from "./rules/schema.js";
import { scanFileSync, scanText, type Finding, type ReadOutcome } from "./scan-file.js";
import { walk, type Skipped, type WalkOptions } from "./walk.js";
import type { FileResult, WorkerRequest, WorkerResponse } from "./worker-protocol.js";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const DEFAULT_CONTEXT_LINES = 2;
/** Below this many files a worker's start-up costs more than it saves. */
const WORKER_THRESHOLD = 2000;

export interface RunScanOptions extends WalkOptions {
  rules: CompiledRule[];
  maxFileBytes?: number | undefined;
  contextLines?: number | undefined;
  minSeverity?: Severity | undefined;
  /** Worker threads: 0 or undefined = decide by the number of files and cores; 1 = in this thread. */
  workers?: number | undefined;
  signal?: AbortSignal | undefined;
  /** For tests: replaces the file reader. */
  readFile?: (absolute: string, maxBytes: number) => Promise<ReadOutcome>;
}

export interface ScanRun {
  root: string;
  rules: CompiledRule[];
  /** Files listed by the walk. */
  files_walked: number;
  /** Files read and matched (files no rule applies to are not read). */
  files_scanned: number;
  findings: Finding[];
  skipped: Skipped[];
  /** Matches silenced by a gembatch-ignore comment. */
  suppressed: number;
  /** Matches dropped by their rule's not_nearby pattern. */
  filtered: number;
  workers: number;
  duration_ms: number;
}

interface Job {
  file: string;
  rules: CompiledRule[];
}

function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/**
 * The built worker: `worker.js` next to this module in dist; `scan-worker.js` at the top of a bundle
 * (this code then sits in `bundle/chunks/` or `bundle/` itself); or found through the package. From
 * sources (tests) there is none and the scan stays in this thread.
 */
function workerFile(): string | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  for (const candidate of ["./worker.js", "../scan-worker.js", "./scan-worker.js"]) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return file;
  }
  try {
    return createRequire(import.meta.url).resolve("@gembatch/scan/worker");
  } catch {
    return undefined;
  }
}

const workerPath = workerFile();

function workerCount(requested: number | undefined, jobs: number): number {
  if (!workerPath) return 1;
  if (requested !== undefined && requested > 0) return Math.min(requested, Math.max(1, jobs));
  return jobs < WORKER_THRESHOLD ? 1 : Math.min(availableParallelism(), 4);
}

interface ScanContext {
  root: string;
  maxBytes: number;
  contextLines: number;
  signal: AbortSignal | undefined;
  readFile: RunScanOptions["readFile"];
}

async function scanInProcess(jobs: Job[], ctx: ScanContext): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let lastYield = performance.now();
  for (const job of jobs) {
    // Blocking reads are the fastest here; yielding now and then lets a SIGINT reach the abort signal.
    if (performance.now() - lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    ctx.signal?.throwIfAborted();
    const absolute = path.join(ctx.root, job.file);
    if (!ctx.readFile) {
      results.push({
        file: job.file,
        ...scanFileSync(absolute, job.file, job.rules, { contextLines: ctx.contextLines, maxBytes: ctx.maxBytes }),
      });
      continue;
    }
    const outcome = await ctx.readFile(absolute, ctx.maxBytes);
    if ("skip" in outcome) results.push({ file: job.file, skip: outcome.skip });
    else
      results.push({
        file: job.file,
        scan: scanText(job.file, outcome.text, job.rules, { contextLines: ctx.contextLines }),
      });
  }
  return results;
}

/** Files are dealt round-robin so that each worker gets a similar mix of large and small ones. */
async function scanInWorkers(
  jobs: Job[],
  rules: CompiledRule[],
  count: number,
  ctx: ScanContext,
): Promise<{ results: FileResult[]; clean: number }> {
  const { Worker } = await import("node:worker_threads");
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const specs: RuleSpec[] = rules.map((rule) => rule.spec);
  const chunks: WorkerRequest["files"][] = Array.from({ length: count }, () => []);
  jobs.forEach((job, i) =>
    chunks[i % count]!.push({ file: job.file, rules: job.rules.map((rule) => ruleIndex.get(rule.id)!) }),
  );
  const collected = { results: [] as FileResult[], clean: 0 };
  const run = (files: WorkerRequest["files"]) =>
    new Promise<void>((resolve, reject) => {
      const workerData: WorkerRequest = {
        root: ctx.root,
        specs,
        files,
        maxBytes: ctx.maxBytes,
        contextLines: ctx.contextLines,
      };
      // A small heap makes the worker collect the decoded texts early instead of growing; its results leave in batches.
      const worker = new Worker(workerPath!, {
        workerData,
        resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 4 },
      });
      const abort = () => void worker.terminate();
      ctx.signal?.addEventListener("abort", abort, { once: true });
      worker.on("message", (message: WorkerResponse) => {
        for (const result of message.results) collected.results.push(result);
        collected.clean += message.clean;
        if (message.done) resolve();
      });
      worker.once("error", reject);
      worker.once("exit", (code) => {
        ctx.signal?.removeEventListener("abort", abort);
        if (code !== 0)
          reject(ctx.signal?.aborted ? ctx.signal.reason : new Error(`scan worker exited with code ${code}`));
      });
    });
  await Promise.all(chunks.map(run));
  return collected;
}

/** Walk, read and match: the whole scan as data. Never prints. */
export async function runScan(options: RunScanOptions): Promise<ScanRun> {
  const started = performance.now();
  const root = path.resolve(options.root);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const contextLines = options.contextLines ?? DEFAULT_CONTEXT_LINES;
  const minRank = severityRank(options.minSeverity ?? "note");
  const rules = options.rules.filter((rule) => severityRank(rule.severity) >= minRank);
  const walked = walk({ ...options, root });
  const jobs: Job[] = [];
  for (const file of walked.files) {
    const applicable = rules.filter((rule) => rule.appliesTo(file));
    if (applicable.length > 0) jobs.push({ file, rules: applicable });
  }
  const workers = options.readFile ? 1 : workerCount(options.workers, jobs.length);
  const ctx: ScanContext = { root, maxBytes, contextLines, signal: options.signal, readFile: options.readFile };
  const { results, clean } =
    workers > 1
      ? await scanInWorkers(jobs, rules, workers, ctx)
      : { results: await scanInProcess(jobs, ctx), clean: 0 };
  const run: ScanRun = {
    root,
    rules,
    files_walked: walked.files.length,
    files_scanned: clean,
    findings: [],
    skipped: [...walked.skipped],
    suppressed: 0,
    filtered: 0,
    workers,
    duration_ms: 0,
  };
  for (const result of results) {
    if (result.skip) run.skipped.push({ file: result.file, ...result.skip });
    if (!result.scan) continue;
    run.files_scanned++;
    run.findings.push(...result.scan.findings);
    run.suppressed += result.scan.suppressed;
    run.filtered += result.scan.filtered;
  }
  run.findings.sort(compareFindings);
  run.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  run.duration_ms = Math.round(performance.now() - started);
  return run;
}
