import { callApi, failureFields } from "./call.js";
import { nowIso, requireState, type SubmitDeps } from "./context.js";
import { isTerminal, shortState } from "./state.js";

export interface RunCancelOptions {
  /** Default: every job not yet in a final state. */
  batches?: number[];
}

export interface CancelOutcome {
  batch: number;
  job_name: string;
  state?: string;
  error?: string;
  http_status?: number;
  google_status?: string;
}

export interface CancelResult {
  success: boolean;
  cancelled: CancelOutcome[];
}

/** `gembatch submit cancel`: ask Google to cancel each job, then record the state it reports. */
export async function runCancel(options: RunCancelOptions, deps: SubmitDeps): Promise<CancelResult> {
  const state = await requireState(deps);
  const chosen =
    options.batches ??
    Object.keys(state.submitted_jobs)
      .map(Number)
      .filter((n) => !isTerminal(state.submitted_jobs[String(n)]!.state));
  const cancelled: CancelOutcome[] = [];
  for (const n of chosen) {
    const job = state.submitted_jobs[String(n)];
    if (!job) {
      cancelled.push({ batch: n, job_name: "", error: "not submitted" });
      continue;
    }
    try {
      await callApi(deps, { context: `batch ${n}`, batch: n, step: "cancel" }, () =>
        deps.api.cancel(job.job_name, deps.signal),
      );
      const remote = (
        await callApi(deps, { context: `batch ${n}`, batch: n, step: "status" }, () =>
          deps.api.get(job.job_name, deps.signal),
        )
      ).value;
      job.state = remote.state;
      job.state_checked_at = nowIso(deps.clock);
      deps.events.event("batch_cancelled", { batch: n, data: { job_name: job.job_name, state: remote.state } });
      cancelled.push({ batch: n, job_name: job.job_name, state: shortState(remote.state) });
    } catch (error) {
      if (deps.signal.aborted) throw error;
      const failure = failureFields(error);
      cancelled.push({
        batch: n,
        job_name: job.job_name,
        error: failure.message,
        ...(failure.http_status !== undefined ? { http_status: failure.http_status } : {}),
        ...(failure.google_status ? { google_status: failure.google_status } : {}),
      });
    }
  }
  await deps.store.save(state);
  return { success: cancelled.every((c) => !c.error), cancelled };
}
