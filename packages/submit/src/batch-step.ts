import path from "node:path";
import type { WebhookConfig } from "./api.js";
import { callApi } from "./call.js";
import type { CapacityGate } from "./capacity.js";
import { nowIso, type Limits, type SubmitDeps } from "./context.js";
import { createOrAdopt, findByDisplayName } from "./create-job.js";
import { displayNameFor } from "./inputs.js";
import type { BatchFile, SubmissionState } from "./state.js";

export interface StepOptions extends Limits {
  dir: string;
  model: string;
  displayPrefix: string;
  retryFailed: boolean;
  /** An upload is reused only while it has at least this long left before Google deletes it. */
  uploadMarginMs: number;
  /** How many uploads may run ahead of job creation. */
  uploadAhead: number;
  webhook?: WebhookConfig;
}

export type BatchOutcome = "submitted" | "adopted" | "skipped" | "failed";

async function uploadStep(
  deps: SubmitDeps,
  state: SubmissionState,
  n: number,
  file: BatchFile,
  options: StepOptions,
): Promise<string> {
  const key = String(n);
  const previous = state.uploads[key];
  const fresh =
    previous &&
    previous.sha256 === file.sha256 &&
    (!previous.expires_at || Date.parse(previous.expires_at) - deps.clock.now() > options.uploadMarginMs);
  if (fresh) {
    const alive = await callApi(deps, { context: `batch ${n} upload check`, batch: n, step: "upload_check" }, () =>
      deps.api.fileAlive(previous.file_name, deps.signal),
    );
    if (alive.value) {
      deps.events.event("upload_reused", { batch: n, data: { file_name: previous.file_name } });
      return previous.file_name;
    }
  }
  const displayName = displayNameFor(options.displayPrefix, n, file.sha256);
  const uploaded = await callApi(deps, { context: `batch ${n} upload`, batch: n, step: "upload" }, () =>
    deps.api.upload(path.join(options.dir, file.file), displayName, deps.signal),
  );
  // Saved with the intent that follows (or the next save of any batch): losing it costs a re-upload, never a duplicate.
  state.uploads[key] = {
    file_name: uploaded.value.name,
    file_uri: uploaded.value.uri,
    sha256: file.sha256,
    uploaded_at: nowIso(deps.clock),
    expires_at: uploaded.value.expirationTime,
  };
  state.updated_at = nowIso(deps.clock);
  deps.events.event("upload_success", {
    batch: n,
    data: { file: file.file, file_name: uploaded.value.name, file_uri: uploaded.value.uri, bytes: file.bytes },
  });
  return uploaded.value.name;
}

/**
 * Not saved here: the intent on disk already makes a rerun look the job up and adopt it, so the record
 * rides on the next save (the next batch's intent, or the worker's save when it has no next batch)
 * instead of costing a write of the whole state per job.
 */
function recordJob(
  deps: SubmitDeps,
  state: SubmissionState,
  n: number,
  job: { name: string; state?: string | undefined },
  extra: { displayName: string; fileName: string; adopted: boolean },
): void {
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
  deps.events.event(extra.adopted ? "batch_adopted" : "batch_created", {
    batch: n,
    data: { job_name: job.name, display_name: extra.displayName, file_name: extra.fileName },
  });
}

/**
 * Uploads run a few batches ahead of job creation, so creates (often waiting on capacity or a rate
 * limit) and the next files' uploads overlap. A prefetched upload is saved like any other and reused.
 */
export function createPrefetcher(deps: SubmitDeps, state: SubmissionState, options: StepOptions, queue: number[]) {
  const ahead = new Map<number, Promise<string>>();
  return {
    take(n: number): Promise<string> | undefined {
      const pending = ahead.get(n);
      ahead.delete(n);
      return pending;
    },
    /** Start the uploads of the next `uploadAhead` batches of the queue after position `index`. */
    fill(index: number): void {
      for (const n of queue.slice(index + 1, index + 1 + options.uploadAhead)) {
        if (ahead.has(n) || deps.signal.aborted || state.intents[String(n)]) continue;
        const pending = uploadStep(deps, state, n, state.batch_files[String(n)]!, options);
        pending.catch(() => undefined);
        ahead.set(n, pending);
      }
    },
    async drain(): Promise<void> {
      await Promise.allSettled(ahead.values());
    },
  };
}

/** One batch: settle a leftover intent, upload (or reuse), wait for room, save the intent, create (or adopt), save. */
export async function submitOne(
  deps: SubmitDeps,
  state: SubmissionState,
  n: number,
  options: StepOptions,
  gate: CapacityGate,
  prefetched?: Promise<string>,
): Promise<{ outcome: BatchOutcome; jobName: string; waitedMs: number; rateLimited: number }> {
  const key = String(n);
  const file = state.batch_files[key]!;
  const intent = state.intents[key];
  if (intent) {
    const existing = await findByDisplayName(deps, intent.display_name, n);
    if (existing) {
      recordJob(deps, state, n, existing, {
        displayName: intent.display_name,
        fileName: intent.file_name,
        adopted: true,
      });
      return { outcome: "adopted", jobName: existing.name, waitedMs: 0, rateLimited: 0 };
    }
  }
  const fileName = await (prefetched ?? uploadStep(deps, state, n, file, options));
  const displayName = displayNameFor(options.displayPrefix, n, file.sha256);
  // On disk before the create is sent (here, before the wait for room, so that when room comes the
  // create goes at once): whatever happens next, a rerun looks this name up first.
  state.intents[key] = { display_name: displayName, file_name: fileName, at: nowIso(deps.clock) };
  await deps.store.save(state);
  const slot = await gate.acquire(n, file.estimated_tokens);
  try {
    const webhook = options.webhook
      ? {
          webhook: {
            ...options.webhook,
            userMetadata: { ...options.webhook.userMetadata, batch: key, display_name: displayName },
          },
        }
      : {};
    const created = await createOrAdopt(deps, { batch: n, model: options.model, fileName, displayName, ...webhook });
    // The job is marked active as its reservation is given back: room is handed over without a gap or a double count.
    recordJob(deps, state, n, created.job, { displayName, fileName, adopted: created.adopted });
    slot.release();
    const rateLimited = created.retries.filter((r) => r.kind === "rate_limit").length;
    return {
      outcome: created.adopted ? "adopted" : "submitted",
      jobName: created.job.name,
      waitedMs: slot.waitedMs,
      rateLimited,
    };
  } finally {
    slot.release();
  }
}
