import path from "node:path";
import { CliError, type CliError as CliErrorType } from "@gembatch/core";
import { createPrefetcher, submitOne, type BatchOutcome, type StepOptions } from "./batch-step.js";
import { failureFields } from "./call.js";
import { createCapacityGate, GateClosedError } from "./capacity.js";
import { nowIso, type SubmitDeps } from "./context.js";
import { listInputFiles, scanInputs } from "./inputs.js";
import type { BatchFile, SubmissionState } from "./state.js";

export type { BatchOutcome } from "./batch-step.js";

export interface SubmitOptions extends StepOptions {
  /** The folder as the user named it, for messages. */
  dirLabel?: string;
  workDir: string;
  start?: number;
  end?: number;
  /** How many batches may be between upload and a saved job at once. */
  createConcurrency: number;
}

export interface SubmitRunResult {
  range: { start: number; end: number };
  total_batches: number;
  outcomes: Array<{
    batch: number;
    file: string;
    outcome: BatchOutcome;
    job_name?: string;
    error?: string;
    kind?: string;
    http_status?: number;
    google_status?: string;
    attempts?: number;
  }>;
  rate_limit_waits: number;
  capacity_wait_ms: number;
  interrupted: boolean;
  fatal?: { code: string; message: string; hint?: string; exit_code: number };
}

function freshState(options: SubmitOptions, files: BatchFile[], now: string): SubmissionState {
  return {
    started_at: now,
    updated_at: now,
    input_dir: path.relative(options.workDir, options.dir) || ".",
    model: options.model,
    display_prefix: options.displayPrefix,
    total_batches: files.length,
    batch_files: Object.fromEntries(files.map((f, i) => [String(i + 1), f])),
    last_completed_batch: null,
    uploads: {},
    intents: {},
    submitted_jobs: {},
    failed_batches: {},
  };
}

/** Resuming must mean the same inputs: a batch that was already sent may not have changed under us. */
function reconcile(state: SubmissionState, options: SubmitOptions, files: BatchFile[]): void {
  const mismatch = (what: string, was: string, now: string) =>
    new CliError("BAD_INPUT", `${what}: this work dir's state was made with ${was}, not ${now}`, {
      hint: "use the same settings to resume, or another --work-dir for a new submission",
    });
  if (state.model !== options.model) throw mismatch("model", state.model, options.model);
  if (state.display_prefix !== options.displayPrefix)
    throw mismatch("display_prefix", state.display_prefix, options.displayPrefix);
  files.forEach((file, i) => {
    const n = String(i + 1);
    const known = state.batch_files[n];
    const touched = state.uploads[n] || state.intents[n] || state.submitted_jobs[n];
    if (known && touched && (known.file !== file.file || known.sha256 !== file.sha256)) {
      throw new CliError(
        "BAD_INPUT",
        `batch ${n}: ${file.file} is not the file that was submitted as batch ${n} (${known.file}, sha256 ${known.sha256.slice(0, 12)}…)`,
        {
          hint: "input files were renamed, added in the middle or edited after submission; restore them, or submit the changed set from another --work-dir",
        },
      );
    }
    state.batch_files[n] = file;
  });
  state.total_batches = Math.max(state.total_batches, files.length);
}

export async function prepareState(
  deps: SubmitDeps,
  options: SubmitOptions,
): Promise<{ state: SubmissionState; files: BatchFile[] }> {
  const names = listInputFiles(options.dir, options.dirLabel);
  const scan = await scanInputs(options.dir, names);
  if (scan.problems.length > 0) {
    throw new CliError(
      "BAD_INPUT",
      `${scan.problems[0]}${scan.problems.length > 1 ? ` (and ${scan.problems.length - 1} more)` : ""}`,
      {
        hint: 'every line must be {"key": "unique-id", "request": {"contents": [...]}}; nothing was submitted',
        details: { problems: scan.problems },
      },
    );
  }
  const loaded = await deps.store.load();
  const state = loaded ?? freshState(options, scan.files, nowIso(deps.clock));
  if (loaded) reconcile(state, options, scan.files);
  return { state, files: scan.files };
}

function isFatal(error: CliErrorType): boolean {
  return (
    error.code === "INTERRUPTED" ||
    error.code === "API_AUTH" ||
    error.code === "NO_API_KEY" ||
    (error.code === "API_QUOTA" && /daily quota/.test(error.message)) ||
    error.code === "STATE_LOCKED" ||
    error.code === "STATE_CORRUPT"
  );
}

/** A range naming batches that do not exist is an input error, before anything is touched. */
export function checkRange(
  start: number | undefined,
  end: number | undefined,
  total: number,
  dirLabel: string,
): { start: number; end: number } {
  const first = start ?? 1;
  const last = end ?? total;
  const holds = `${dirLabel} holds ${total} batch${total === 1 ? "" : "es"}`;
  if (first < 1 || first > total)
    throw new CliError("BAD_INPUT", `start: there is no batch ${first}; ${holds}`, {
      hint: `use numbers from 1 to ${total}`,
    });
  if (last > total)
    throw new CliError("BAD_INPUT", `end: there is no batch ${last}; ${holds}`, {
      hint: `use numbers from 1 to ${total}`,
    });
  if (first > last)
    throw new CliError("BAD_INPUT", `end: ${last} is before start ${first}`, {
      hint: "give the range as START END, e.g. 81 204",
    });
  return { start: first, end: last };
}

/**
 * Submit every batch of the range that has no job yet, up to `createConcurrency` at a time: each one
 * waits for room under the job and token limits (creates in flight count), so the creates are paced by
 * the quota rather than refused by it. A daily quota or a refused key stops the run: batches not yet
 * started are left untouched, and one in flight that hits the same refusal is not marked failed.
 */
export async function runSubmission(
  deps: SubmitDeps,
  options: SubmitOptions,
  state: SubmissionState,
): Promise<SubmitRunResult> {
  const total = Object.keys(state.batch_files).length;
  const { start, end } = checkRange(options.start, options.end, total, options.dirLabel ?? options.dir);
  const result: SubmitRunResult = {
    range: { start, end },
    total_batches: total,
    outcomes: [],
    rate_limit_waits: 0,
    capacity_wait_ms: 0,
    interrupted: false,
  };
  deps.events.event("run_started", {
    data: {
      start,
      end,
      model: options.model,
      retry_failed: options.retryFailed,
      create_concurrency: options.createConcurrency,
    },
  });
  const outcomes = new Map<number, SubmitRunResult["outcomes"][number]>();
  const queue: number[] = [];
  for (let n = start; n <= end; n++) {
    const key = String(n);
    const file = state.batch_files[key]!.file;
    const failed = state.failed_batches[key];
    if (state.submitted_jobs[key])
      outcomes.set(n, { batch: n, file, outcome: "skipped", job_name: state.submitted_jobs[key].job_name });
    else if (failed && !options.retryFailed) {
      outcomes.set(n, {
        batch: n,
        file,
        outcome: "failed",
        error: `${failed.error} (earlier run; use --retry-failed)`,
        ...(failed.http_status !== undefined ? { http_status: failed.http_status } : {}),
        ...(failed.google_status ? { google_status: failed.google_status } : {}),
      });
    } else queue.push(n);
  }
  deps.progress?.tick(outcomes.size, { batch: start });
  const gate = createCapacityGate(deps, state, options);
  const prefetch = createPrefetcher(deps, state, options, queue);
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < queue.length) {
      if (deps.signal.aborted) {
        result.interrupted = true;
        return;
      }
      const index = next++;
      const n = queue[index]!;
      const key = String(n);
      const file = state.batch_files[key]!.file;
      try {
        const prefetched = prefetch.take(n);
        prefetch.fill(index);
        const done = await submitOne(deps, state, n, options, gate, prefetched);
        result.capacity_wait_ms += done.waitedMs;
        result.rate_limit_waits += done.rateLimited;
        outcomes.set(n, { batch: n, file, outcome: done.outcome, job_name: done.jobName });
        if (deps.progress) deps.progress.tick(1, { batch: n });
        else
          deps.info(
            `[${n}/${end}] ${file} → ${done.jobName}${done.outcome === "adopted" ? " (adopted an existing job)" : ""}`,
          );
      } catch (thrown) {
        // Stopped by another batch's fatal refusal while this one waited: left untouched.
        if (thrown instanceof GateClosedError) return;
        const failure = failureFields(thrown);
        if (failure.code === "INTERRUPTED" || deps.signal.aborted) {
          result.interrupted = true;
          stopped = true;
          return;
        }
        const error = thrown instanceof CliError ? thrown : new CliError("API_ERROR", failure.message);
        deps.events.event("error", { batch: n, data: { ...failure } });
        if (isFatal(error)) {
          stopped = true;
          gate.close();

          result.fatal ??= {
            code: error.code,
            message: error.message,
            ...(error.hint ? { hint: error.hint } : {}),
            exit_code: error.exitCode,
          };
          return;
        }
        const attempts = (state.failed_batches[key]?.attempts ?? 0) + failure.attempts;
        const fields = {
          ...(failure.http_status !== undefined ? { http_status: failure.http_status } : {}),
          ...(failure.google_status ? { google_status: failure.google_status } : {}),
        };
        state.failed_batches[key] = {
          error: failure.message,
          kind: failure.code,
          ...fields,
          attempts,
          at: nowIso(deps.clock),
        };
        state.updated_at = nowIso(deps.clock);
        await deps.store.save(state);
        deps.progress?.tick(1, { batch: n });
        deps.warn(`batch ${n} (${file}) failed: ${failure.message}`);
        outcomes.set(n, {
          batch: n,
          file,
          outcome: "failed",
          error: failure.message,
          kind: failure.code,
          ...fields,
          attempts,
        });
      }
    }
    // A worker's last job has no next intent to carry its record: saved now, not at the end of a run
    // whose other batches may wait hours for room.
    if (!stopped) await deps.store.save(state);
  };
  await Promise.all(Array.from({ length: Math.max(1, options.createConcurrency) }, worker));
  await prefetch.drain();
  // Uploads that finished after the last save (prefetched for batches not reached) are kept for the next run.
  state.updated_at = nowIso(deps.clock);
  await deps.store.save(state);
  result.outcomes = [...outcomes.values()].sort((a, b) => a.batch - b.batch);
  deps.progress?.stop();
  deps.events.event("run_finished", {
    data: {
      submitted: result.outcomes.filter((o) => o.outcome === "submitted").length,
      interrupted: result.interrupted,
    },
  });
  return result;
}
