import { callApi } from "./call.js";
import { mapLimit } from "./capacity.js";
import { nowIso, type SubmitDeps } from "./context.js";
import { isTerminal, shortState, type SubmissionState, type SubmittedJob } from "./state.js";

const HOUR = 3_600_000;
/** Google expires a job that is not done 48 h after it was created; it then has no results. */
export const JOB_EXPIRY_MS = 48 * HOUR;
/** An active job this close to its expiry is flagged. */
const EXPIRY_WARNING_MS = 6 * HOUR;
/**
 * How long results stay downloadable after a job ends. Google does not document it; users report the
 * output gone some days later, and the Files API keeps a file 48 h, so 48 h from the end is the
 * estimate shown (download promptly).
 */
export const RESULTS_KEPT_MS = 48 * HOUR;

export interface JobStatus {
  batch: number;
  job_name: string;
  display_name: string;
  state: string;
  requests: number;
  succeeded: number;
  failed: number;
  pending: number;
  submitted_at: string;
  /** Active jobs: when Google expires the job if it has not finished. */
  expires_at?: string;
  /** Succeeded jobs: the estimated last moment the results can be downloaded. */
  results_downloadable_until?: string;
  downloaded?: boolean;
  /** `stuck` (pending or running longer than --stuck-after), `expiring` (within 6 h of its 48 h expiry). */
  flags: Array<"stuck" | "expiring">;
}

export interface StatusSummary {
  jobs: JobStatus[];
  by_state: Record<string, number>;
  requests: { total: number; succeeded: number; failed: number; pending: number };
  all_done: boolean;
  /** The earliest `results_downloadable_until` among succeeded jobs not downloaded yet. */
  results_downloadable_until: string | null;
  warnings: string[];
}

interface StatusOptions {
  refreshTerminal?: boolean;
  /** Flag a job pending or running longer than this (default 24 h). */
  stuckAfterMs?: number;
}

function hours(ms: number): string {
  return `${Math.max(0, Math.round(ms / HOUR))} h`;
}

async function refresh(deps: SubmitDeps, key: string, job: SubmittedJob): Promise<void> {
  const remote = (
    await callApi(deps, { context: `batch ${key}`, batch: Number(key), step: "status" }, () =>
      deps.api.get(job.job_name, deps.signal),
    )
  ).value;
  job.state = remote.state;
  job.state_checked_at = nowIso(deps.clock);
  if (remote.batchStats) job.batch_stats = remote.batchStats;
  job.responses_file = remote.responsesFile ?? null;
  if (remote.endTime) job.end_time = remote.endTime;
  else if (isTerminal(remote.state) && !job.end_time) job.end_time = nowIso(deps.clock);
}

/**
 * Fetch every submitted job's state and batchStats (REST: the SDK drops batchStats), save them, and flag what needs a
 * person.
 */
export async function collectStatus(
  deps: SubmitDeps,
  state: SubmissionState,
  options: StatusOptions = {},
): Promise<StatusSummary> {
  const keys = Object.keys(state.submitted_jobs).sort((a, b) => Number(a) - Number(b));
  const stale = keys.filter((key) => {
    const job = state.submitted_jobs[key]!;
    return options.refreshTerminal || !isTerminal(job.state) || !job.batch_stats;
  });
  await mapLimit(stale, 8, (key) => refresh(deps, key, state.submitted_jobs[key]!));
  state.updated_at = nowIso(deps.clock);
  await deps.store.save(state);
  const now = deps.clock.now();
  const stuckAfterMs = options.stuckAfterMs ?? 24 * HOUR;
  const warnings: string[] = [];
  const jobs = keys.map((key): JobStatus => {
    const job = state.submitted_jobs[key]!;
    const stats = job.batch_stats ?? {};
    const requests = stats.requestCount ?? state.batch_files[key]?.requests ?? 0;
    const succeeded = stats.successfulRequestCount ?? 0;
    const failed = stats.failedRequestCount ?? 0;
    const short = shortState(job.state);
    const flags: JobStatus["flags"] = [];
    const extra: Partial<JobStatus> = {};
    const age = now - Date.parse(job.submitted_at);
    if (!isTerminal(job.state)) {
      const expires = Date.parse(job.submitted_at) + JOB_EXPIRY_MS;
      extra.expires_at = new Date(expires).toISOString();
      if (age > stuckAfterMs) {
        flags.push("stuck");
        warnings.push(
          `batch ${key}: ${short} for ${hours(age)} (over --stuck-after ${hours(stuckAfterMs)}); consider cancelling it and resubmitting the file in smaller pieces`,
        );
      }
      if (expires - now < EXPIRY_WARNING_MS) {
        flags.push("expiring");
        warnings.push(
          `batch ${key}: not finished; Google expires it at ${extra.expires_at} (in ${hours(expires - now)}) and it then has no results`,
        );
      }
    } else if (/SUCCEEDED$/.test(job.state ?? "")) {
      const ended = Date.parse(job.end_time ?? job.state_checked_at ?? job.submitted_at);
      extra.results_downloadable_until = new Date(ended + RESULTS_KEPT_MS).toISOString();
      extra.downloaded = Boolean(job.downloaded_at);
    }
    return {
      batch: Number(key),
      job_name: job.job_name,
      display_name: job.display_name,
      state: short,
      requests,
      succeeded,
      failed,
      pending: stats.pendingRequestCount ?? (isTerminal(job.state) ? 0 : Math.max(0, requests - succeeded - failed)),
      submitted_at: job.submitted_at,
      ...extra,
      flags,
    };
  });
  const undownloaded = jobs
    .filter((j) => j.results_downloadable_until && !j.downloaded)
    .map((j) => j.results_downloadable_until!)
    .sort();
  const downloadableUntil = undownloaded[0] ?? null;
  if (downloadableUntil) {
    warnings.push(
      `${undownloaded.length} succeeded job(s) not downloaded: results are kept only for a limited time (estimate: until ${downloadableUntil}); run gembatch submit download promptly`,
    );
  }
  const by_state: Record<string, number> = {};
  for (const job of jobs) by_state[job.state] = (by_state[job.state] ?? 0) + 1;
  const sum = (field: "requests" | "succeeded" | "failed" | "pending") =>
    jobs.reduce((total, job) => total + job[field], 0);
  return {
    jobs,
    by_state,
    requests: { total: sum("requests"), succeeded: sum("succeeded"), failed: sum("failed"), pending: sum("pending") },
    all_done: jobs.every((job) => /SUCCEEDED|FAILED|CANCELLED|EXPIRED/.test(job.state)),
    results_downloadable_until: downloadableUntil,
    warnings,
  };
}
