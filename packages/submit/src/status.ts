import { withRetry } from "@gembatch/core";
import { nowIso, type SubmitDeps } from "./context.js";
import { isTerminal, shortState, type SubmissionState } from "./state.js";

export interface JobStatus {
  batch: number;
  job_name: string;
  display_name: string;
  state: string;
  requests: number;
  succeeded: number;
  failed: number;
  pending: number;
}

export interface StatusSummary {
  jobs: JobStatus[];
  by_state: Record<string, number>;
  requests: { total: number; succeeded: number; failed: number; pending: number };
  all_done: boolean;
}

/** Fetch every submitted job's state and batchStats (REST: the SDK drops batchStats) and save them. */
export async function collectStatus(deps: SubmitDeps, state: SubmissionState, options: { refreshTerminal?: boolean } = {}): Promise<StatusSummary> {
  const jobs: JobStatus[] = [];
  for (const key of Object.keys(state.submitted_jobs).sort((a, b) => Number(a) - Number(b))) {
    const job = state.submitted_jobs[key]!;
    if (options.refreshTerminal || !isTerminal(job.state) || !job.batch_stats) {
      const remote = await withRetry(() => deps.api.get(job.job_name, deps.signal), { policy: deps.retryPolicy, clock: deps.clock, signal: deps.signal, context: `batch ${key}` });
      job.state = remote.value.state;
      job.state_checked_at = nowIso(deps.clock);
      if (remote.value.batchStats) job.batch_stats = remote.value.batchStats;
      job.responses_file = remote.value.responsesFile ?? null;
    }
    const stats = job.batch_stats ?? {};
    const requests = stats.requestCount ?? state.batch_files[key]?.requests ?? 0;
    const succeeded = stats.successfulRequestCount ?? 0;
    const failed = stats.failedRequestCount ?? 0;
    jobs.push({
      batch: Number(key),
      job_name: job.job_name,
      display_name: job.display_name,
      state: shortState(job.state),
      requests,
      succeeded,
      failed,
      pending: stats.pendingRequestCount ?? (isTerminal(job.state) ? 0 : Math.max(0, requests - succeeded - failed)),
    });
  }
  state.updated_at = nowIso(deps.clock);
  await deps.store.save(state);
  const by_state: Record<string, number> = {};
  for (const job of jobs) by_state[job.state] = (by_state[job.state] ?? 0) + 1;
  const sum = (field: "requests" | "succeeded" | "failed" | "pending") => jobs.reduce((total, job) => total + job[field], 0);
  return {
    jobs,
    by_state,
    requests: { total: sum("requests"), succeeded: sum("succeeded"), failed: sum("failed"), pending: sum("pending") },
    all_done: jobs.every((job) => /SUCCEEDED|FAILED|CANCELLED|EXPIRED/.test(job.state)),
  };
}
