import { withRetry } from "@gembatch/core";
import { nowIso, type Limits, type SubmitDeps } from "./context.js";
import { isTerminal, type SubmissionState } from "./state.js";

function active(state: SubmissionState): string[] {
  return Object.keys(state.submitted_jobs).filter((n) => !isTerminal(state.submitted_jobs[n]!.state));
}

function enqueued(state: SubmissionState, batches: string[]): number {
  return batches.reduce((sum, n) => sum + (state.batch_files[n]?.estimated_tokens ?? 0), 0);
}

/** Re-read the state of every job we believe active; the saved state is updated as it goes. */
export async function refreshActive(deps: SubmitDeps, state: SubmissionState): Promise<void> {
  for (const n of active(state)) {
    const job = state.submitted_jobs[n]!;
    const remote = await withRetry(() => deps.api.get(job.job_name, deps.signal), { policy: deps.retryPolicy, clock: deps.clock, signal: deps.signal, context: `batch ${n}` });
    job.state = remote.value.state;
    job.state_checked_at = nowIso(deps.clock);
    if (remote.value.batchStats) job.batch_stats = remote.value.batchStats;
    if (remote.value.responsesFile !== undefined) job.responses_file = remote.value.responsesFile;
  }
  state.updated_at = nowIso(deps.clock);
  await deps.store.save(state);
}

/**
 * Wait until one more job fits under the concurrent-job limit and the enqueued-token budget, so creates
 * are not refused for capacity (Google's batch-create 429 carries no retry delay).
 */
export async function waitForCapacity(deps: SubmitDeps, state: SubmissionState, limits: Limits, batchTokens: number): Promise<number> {
  let waitedMs = 0;
  const fits = () => {
    const running = active(state);
    const tokensOk = limits.maxEnqueuedTokens === undefined || running.length === 0 || enqueued(state, running) + batchTokens <= limits.maxEnqueuedTokens;
    return running.length < limits.maxConcurrentJobs && tokensOk;
  };
  if (fits()) return 0;
  await refreshActive(deps, state);
  while (!fits()) {
    const running = active(state);
    deps.events.event("waiting_for_capacity", { data: { active_jobs: running.length, enqueued_tokens: enqueued(state, running) } });
    deps.info(`waiting for running jobs: ${running.length} active, ~${enqueued(state, running)} tokens enqueued`);
    await deps.clock.sleep(limits.pollIntervalMs, deps.signal);
    waitedMs += limits.pollIntervalMs;
    await refreshActive(deps, state);
  }
  return waitedMs;
}
