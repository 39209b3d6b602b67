import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { CliError, createEventLog, systemClock, type ErrorCode } from "@gembatch/core";
import {
  coalesceSaves,
  openStateStore,
  prepareState,
  runSubmission,
  LOG_FILE,
  type BatchApi,
  type SubmitDeps,
  type SubmitRunResult,
} from "@gembatch/submit";
import { INPUTS_DIR, type BatchSection } from "./batch-state.js";
import type { RuleStepContext } from "./rule-step.js";

/** Google's cap on one input file is 2 GB; a margin under it, and a request count that gives results in pieces. */
export const BATCH_LIMITS = { maxBytes: 1_900_000_000, maxRequests: 10_000 } as const;
export const DEFAULT_POLL_INTERVAL_MS = 60_000;

export interface BatchDeps {
  /** The Batch and Files API (made from the command context); required for `via: "batch"`. */
  batchApi?: BatchApi;
}

export interface BatchRow {
  key: string;
  request: Record<string, unknown>;
}

/**
 * Write the rows as numbered JSONL input files after those already there, each under the byte and
 * request limits, so a resubmission only ever appends batches and never renumbers a submitted one.
 */
export function writeInputFiles(
  inputsDir: string,
  rows: BatchRow[],
  limits: { maxBytes: number; maxRequests: number },
): string[] {
  mkdirSync(inputsDir, { recursive: true });
  let next = readdirSync(inputsDir).filter((f) => f.endsWith(".jsonl")).length + 1;
  const written: string[] = [];
  let current: { file: string; bytes: number; count: number } | null = null;
  for (const row of rows) {
    const line = `${JSON.stringify(row)}\n`;
    const bytes = Buffer.byteLength(line);
    if (bytes > limits.maxBytes)
      throw new CliError(
        "BAD_INPUT",
        `batch: the request for key ${row.key} is ${bytes} bytes, above the ${limits.maxBytes}-byte input file limit`,
        { hint: "send it without --via batch" },
      );
    if (!current || current.bytes + bytes > limits.maxBytes || current.count >= limits.maxRequests) {
      current = { file: path.join(inputsDir, `batch_${String(next++).padStart(4, "0")}.jsonl`), bytes: 0, count: 0 };
      written.push(current.file);
    }
    appendFileSync(current.file, line);
    current.bytes += bytes;
    current.count += 1;
  }
  return written;
}

/** The JSONL lines of these keys, as they were first written (for a resubmission of what never came back). */
export function inputLines(inputsDir: string, keys: ReadonlySet<string>): BatchRow[] {
  const rows = new Map<string, BatchRow>();
  for (const name of readdirSync(inputsDir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()) {
    for (const line of readFileSync(path.join(inputsDir, name), "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const row = JSON.parse(line) as BatchRow;
      if (keys.has(row.key) && !rows.has(row.key)) rows.set(row.key, row);
    }
  }
  return [...rows.values()];
}

/** Submit's own machinery on the run's work dir: its locked state store, its event log, its retry policy. */
export async function openSubmit(
  ctx: RuleStepContext,
  deps: BatchDeps,
  workDir: string,
): Promise<{ submit: SubmitDeps; close: () => Promise<void> }> {
  if (!deps.batchApi) throw new CliError("INTERNAL", "scan-and-fix --via batch: no Batch API was given");
  mkdirSync(workDir, { recursive: true });
  const store = coalesceSaves(openStateStore(workDir, "gembatch scan-and-fix"));
  await store.lock();
  const events = await createEventLog(path.join(workDir, LOG_FILE));
  const submit: SubmitDeps = {
    api: deps.batchApi,
    store,
    events,
    clock: ctx.deps.clock ?? systemClock,
    signal: ctx.deps.signal ?? new AbortController().signal,
    retryPolicy: ctx.deps.retryPolicy ?? {},
    info: (m) => ctx.deps.info?.(m),
    warn: (m) => ctx.warn(m),
    interactive: false,
    stderr: process.stderr,
  };
  return {
    submit,
    async close() {
      events.close();
      await store.release();
    },
  };
}

/**
 * Submit every input file that has no job yet (a job already created is skipped, an intent left by a
 * crash is adopted by its display name): the same run submit's command makes, so never twice.
 */
export async function submitInputs(
  ctx: RuleStepContext,
  submit: SubmitDeps,
  batch: BatchSection,
  workDir: string,
): Promise<SubmitRunResult> {
  const inputsDir = path.join(workDir, INPUTS_DIR);
  const options = {
    dir: inputsDir,
    dirLabel: "batch inputs",
    workDir,
    model: batch.model,
    displayPrefix: batch.display_prefix,
    retryFailed: true,
    uploadMarginMs: 3_600_000,
    uploadAhead: 2,
    createConcurrency: 4,
    maxConcurrentJobs: 100,
    pollIntervalMs: ctx.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
  };
  if (!existsSync(inputsDir))
    throw new CliError("BAD_INPUT", `resume: ${inputsDir} is missing from the run directory`, {
      hint: "copy the whole run directory, batch/ included",
    });
  const { state } = await prepareState(submit, options);
  const result = await runSubmission(submit, options, state);
  if (result.fatal)
    throw new CliError(
      result.fatal.code as ErrorCode,
      result.fatal.message,
      result.fatal.hint ? { hint: result.fatal.hint } : {},
    );
  return result;
}
