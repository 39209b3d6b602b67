import path from "node:path";
import { CliError, withRetry, type CliError as CliErrorType } from "@gembatch/core";
import { waitForCapacity } from "./capacity.js";
import { nowIso, type Limits, type SubmitDeps } from "./context.js";
import { createOrAdopt, findByDisplayName } from "./create-job.js";
import { displayNameFor, listInputFiles, scanInputs } from "./inputs.js";
import type { BatchFile, SubmissionState } from "./state.js";

export interface SubmitOptions extends Limits {
  dir: string;
  /** The folder as the user named it, for messages. */
  dirLabel?: string;
  workDir: string;
  model: string;
  displayPrefix: string;
  start?: number;
  end?: number;
  retryFailed: boolean;
  /** An upload is reused only while it has at least this long left before Google deletes it. */
  uploadMarginMs: number;
  /** How many uploads may run ahead of job creation. */
  uploadAhead: number;
}

export type BatchOutcome = "submitted" | "adopted" | "skipped" | "failed";

export interface SubmitRunResult {
  range: { start: number; end: number };
  total_batches: number;
  outcomes: Array<{ batch: number; file: string; outcome: BatchOutcome; job_name?: string; error?: string; attempts?: number }>;
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
  if (state.display_prefix !== options.displayPrefix) throw mismatch("display_prefix", state.display_prefix, options.displayPrefix);
  files.forEach((file, i) => {
    const n = String(i + 1);
    const known = state.batch_files[n];
    const touched = state.uploads[n] || state.intents[n] || state.submitted_jobs[n];
    if (known && touched && (known.file !== file.file || known.sha256 !== file.sha256)) {
      throw new CliError("BAD_INPUT", `batch ${n}: ${file.file} is not the file that was submitted as batch ${n} (${known.file}, sha256 ${known.sha256.slice(0, 12)}…)`, {
        hint: "input files were renamed, added in the middle or edited after submission; restore them, or submit the changed set from another --work-dir",
      });
    }
    state.batch_files[n] = file;
  });
  state.total_batches = Math.max(state.total_batches, files.length);
}

export async function prepareState(deps: SubmitDeps, options: SubmitOptions): Promise<{ state: SubmissionState; files: BatchFile[] }> {
  const names = listInputFiles(options.dir, options.dirLabel);
  const scan = await scanInputs(options.dir, names);
  if (scan.problems.length > 0) {
    throw new CliError("BAD_INPUT", `${scan.problems[0]}${scan.problems.length > 1 ? ` (and ${scan.problems.length - 1} more)` : ""}`, {
      hint: "every line must be {\"key\": \"unique-id\", \"request\": {\"contents\": [...]}}; nothing was submitted",
      details: { problems: scan.problems },
    });
  }
  const loaded = await deps.store.load();
  const state = loaded ?? freshState(options, scan.files, nowIso(deps.clock));
  if (loaded) reconcile(state, options, scan.files);
  return { state, files: scan.files };
}

async function uploadStep(deps: SubmitDeps, state: SubmissionState, n: number, file: BatchFile, options: SubmitOptions): Promise<string> {
  const key = String(n);
  const previous = state.uploads[key];
  const alive = previous && previous.sha256 === file.sha256 && (!previous.expires_at || Date.parse(previous.expires_at) - deps.clock.now() > options.uploadMarginMs);
  if (alive && (await deps.api.fileAlive(previous.file_name, deps.signal))) {
    deps.events.event("upload_reused", { batch: n, data: { file_name: previous.file_name } });
    return previous.file_name;
  }
  const displayName = displayNameFor(options.displayPrefix, n, file.sha256);
  const uploaded = await withRetry(() => deps.api.upload(path.join(options.dir, file.file), displayName, deps.signal), {
    policy: deps.retryPolicy,
    clock: deps.clock,
    signal: deps.signal,
    context: `batch ${n} upload`,
    onRetry: (event) => deps.events.event(event.kind === "rate_limit" ? "rate_limited" : "retry", { batch: n, data: { step: "upload", ...event } }),
  });
  state.uploads[key] = { file_name: uploaded.value.name, file_uri: uploaded.value.uri, sha256: file.sha256, uploaded_at: nowIso(deps.clock), expires_at: uploaded.value.expirationTime };
  state.updated_at = nowIso(deps.clock);
  await deps.store.save(state);
  deps.events.event("upload_success", { batch: n, data: { file: file.file, file_name: uploaded.value.name, file_uri: uploaded.value.uri, bytes: file.bytes } });
  return uploaded.value.name;
}

async function recordJob(deps: SubmitDeps, state: SubmissionState, n: number, job: { name: string; state?: string }, extra: { displayName: string; fileName: string; adopted: boolean }): Promise<void> {
  const key = String(n);
  state.submitted_jobs[key] = {
    job_name: job.name,
    display_name: extra.displayName,
    file_name: extra.fileName,
    file_uri: state.uploads[key]?.file_uri ?? null,
    submitted_at: nowIso(deps.clock),
    ...(job.state ? { state: job.state } : {}),
    ...(extra.adopted ? { adopted: true } : {}),
  };
  delete state.intents[key];
  delete state.failed_batches[key];
  state.last_completed_batch = Math.max(state.last_completed_batch ?? 0, n);
  state.updated_at = nowIso(deps.clock);
  await deps.store.save(state);
  deps.events.event(extra.adopted ? "batch_adopted" : "batch_created", { batch: n, data: { job_name: job.name, display_name: extra.displayName, file_name: extra.fileName } });
}

/**
 * Uploads run a few batches ahead of job creation, so a create (often waiting on capacity or a rate
 * limit) and the next files' uploads overlap. A prefetched upload is saved like any other and reused.
 */
function createPrefetcher(deps: SubmitDeps, state: SubmissionState, options: SubmitOptions, last: number) {
  const ahead = new Map<number, Promise<string>>();
  return {
    take(n: number): Promise<string> | undefined {
      const pending = ahead.get(n);
      ahead.delete(n);
      return pending;
    },
    fill(from: number): void {
      for (let n = from; n <= last && n < from + options.uploadAhead; n++) {
        const key = String(n);
        const eligible = !state.submitted_jobs[key] && !state.intents[key] && (!state.failed_batches[key] || options.retryFailed);
        if (!eligible || ahead.has(n) || deps.signal.aborted) continue;
        const pending = uploadStep(deps, state, n, state.batch_files[key]!, options);
        pending.catch(() => undefined);
        ahead.set(n, pending);
      }
    },
    async drain(): Promise<void> {
      await Promise.allSettled(ahead.values());
    },
  };
}

/** One batch: settle a leftover intent, upload (or reuse), save the intent, create (or adopt), save. */
async function submitOne(deps: SubmitDeps, state: SubmissionState, n: number, options: SubmitOptions, prefetched?: Promise<string>): Promise<{ outcome: BatchOutcome; jobName: string; waitedMs: number; rateLimited: number }> {
  const key = String(n);
  const file = state.batch_files[key]!;
  const intent = state.intents[key];
  if (intent) {
    const existing = await findByDisplayName(deps, intent.display_name);
    if (existing) {
      await recordJob(deps, state, n, existing, { displayName: intent.display_name, fileName: intent.file_name, adopted: true });
      return { outcome: "adopted", jobName: existing.name, waitedMs: 0, rateLimited: 0 };
    }
  }
  const fileName = await (prefetched ?? uploadStep(deps, state, n, file, options));
  const waitedMs = await waitForCapacity(deps, state, options, file.estimated_tokens);
  const displayName = displayNameFor(options.displayPrefix, n, file.sha256);
  state.intents[key] = { display_name: displayName, file_name: fileName, at: nowIso(deps.clock) };
  await deps.store.save(state);
  const created = await createOrAdopt(deps, { batch: n, model: options.model, fileName, displayName });
  await recordJob(deps, state, n, created.job, { displayName, fileName, adopted: created.adopted });
  const rateLimited = created.retries.filter((r) => r.kind === "rate_limit").length;
  return { outcome: created.adopted ? "adopted" : "submitted", jobName: created.job.name, waitedMs, rateLimited };
}

function isFatal(error: CliErrorType): boolean {
  return error.code === "INTERRUPTED" || error.code === "API_AUTH" || error.code === "NO_API_KEY" || (error.code === "API_QUOTA" && /daily quota/.test(error.message)) || error.code === "STATE_LOCKED" || error.code === "STATE_CORRUPT";
}

export async function runSubmission(deps: SubmitDeps, options: SubmitOptions, state: SubmissionState): Promise<SubmitRunResult> {
  const total = Object.keys(state.batch_files).length;
  const start = options.start ?? 1;
  const end = Math.min(options.end ?? total, total);
  if (start < 1 || start > end) throw new CliError("BAD_INPUT", `start: batch range ${start}..${end} is empty (there are ${total} batches)`, { hint: `use numbers from 1 to ${total}` });
  const result: SubmitRunResult = { range: { start, end }, total_batches: total, outcomes: [], rate_limit_waits: 0, capacity_wait_ms: 0, interrupted: false };
  deps.events.event("run_started", { data: { start, end, model: options.model, retry_failed: options.retryFailed } });
  const prefetch = createPrefetcher(deps, state, options, end);
  for (let n = start; n <= end; n++) {
    const key = String(n);
    const file = state.batch_files[key]!.file;
    deps.progress?.tick(n === start ? 0 : 1, { batch: n });
    if (state.submitted_jobs[key]) {
      result.outcomes.push({ batch: n, file, outcome: "skipped", job_name: state.submitted_jobs[key]!.job_name });
      continue;
    }
    if (state.failed_batches[key] && !options.retryFailed) {
      result.outcomes.push({ batch: n, file, outcome: "failed", error: `${state.failed_batches[key]!.error} (earlier run; use --retry-failed)` });
      continue;
    }
    if (deps.signal.aborted) {
      result.interrupted = true;
      break;
    }
    try {
      const prefetched = prefetch.take(n);
      prefetch.fill(n + 1);
      const done = await submitOne(deps, state, n, options, prefetched);
      result.capacity_wait_ms += done.waitedMs;
      result.rate_limit_waits += done.rateLimited;
      result.outcomes.push({ batch: n, file, outcome: done.outcome, job_name: done.jobName });
      if (!deps.progress) deps.info(`[${n}/${end}] ${file} → ${done.jobName}${done.outcome === "adopted" ? " (adopted an existing job)" : ""}`);
    } catch (thrown) {
      const error = thrown instanceof CliError ? thrown : new CliError("API_ERROR", thrown instanceof Error ? thrown.message : String(thrown));
      if (error.code === "INTERRUPTED" || deps.signal.aborted) {
        result.interrupted = true;
        break;
      }
      deps.events.event("error", { batch: n, data: { code: error.code, message: error.message } });
      if (isFatal(error)) {
        result.fatal = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), exit_code: error.exitCode };
        break;
      }
      const attempts = (state.failed_batches[key]?.attempts ?? 0) + ((error as { attempts?: number }).attempts ?? 1);
      state.failed_batches[key] = { error: error.message, kind: error.code, attempts, at: nowIso(deps.clock) };
      state.updated_at = nowIso(deps.clock);
      await deps.store.save(state);
      deps.warn(`batch ${n} (${file}) failed: ${error.message}`);
      result.outcomes.push({ batch: n, file, outcome: "failed", error: error.message, attempts });
    }
  }
  await prefetch.drain();
  deps.progress?.tick(1);
  deps.progress?.stop();
  deps.events.event("run_finished", { data: { submitted: result.outcomes.filter((o) => o.outcome === "submitted").length, interrupted: result.interrupted } });
  return result;
}
