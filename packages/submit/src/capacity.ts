import { callApi } from "./call.js";
import { nowIso, type Limits, type SubmitDeps } from "./context.js";
import { isTerminal, type SubmissionState } from "./state.js";

/** Job states are read this many at a time. */
const REFRESH_CONCURRENCY = 32;

function active(state: SubmissionState): string[] {
  return Object.keys(state.submitted_jobs).filter((n) => !isTerminal(state.submitted_jobs[n]!.state));
}

function enqueued(state: SubmissionState, batches: string[]): number {
  return batches.reduce((sum, n) => sum + (state.batch_files[n]?.estimated_tokens ?? 0), 0);
}

export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Re-read the state of every job we believe active (a few at a time). Not saved here: this is on the
 * path from a job ending to the next create, and the next save (the created job's) carries it.
 */
async function refreshActive(deps: SubmitDeps, state: SubmissionState): Promise<void> {
  await mapLimit(active(state), REFRESH_CONCURRENCY, async (n) => {
    const job = state.submitted_jobs[n]!;
    const remote = (
      await callApi(deps, { context: `batch ${n}`, batch: Number(n), step: "status" }, () =>
        deps.api.get(job.job_name, deps.signal),
      )
    ).value;
    job.state = remote.state;
    job.state_checked_at = nowIso(deps.clock);
    if (remote.batchStats) job.batch_stats = remote.batchStats;
    if (remote.responsesFile !== undefined) job.responses_file = remote.responsesFile;
    if (remote.endTime) job.end_time = remote.endTime;
  });
}

/** Thrown to a batch still waiting for room when the run has stopped (a daily quota, a refused key). */
export class GateClosedError extends Error {
  constructor() {
    super("the run stopped before this batch was created");
    this.name = "GateClosedError";
  }
}

export interface CapacityGate {
  /**
   * Wait until one more job fits under the concurrent-job limit and the enqueued-token budget, counting
   * creates still in flight, so concurrent creates are not refused for capacity (Google's batch-create
   * 429 carries no retry delay). `release` is called once the create has ended either way.
   */
  acquire(batch: number, tokens: number): Promise<{ waitedMs: number; release(): void }>;
  /** No more room is given out: waiting and later batches get GateClosedError. */
  close(): void;
}

export function createCapacityGate(deps: SubmitDeps, state: SubmissionState, limits: Limits): CapacityGate {
  let reserved = 0;
  let reservedTokens = 0;
  let refreshing: Promise<void> | undefined;
  let ticking: Promise<void> | undefined;
  let closed = false;
  const refresh = () => (refreshing ??= refreshActive(deps, state).finally(() => (refreshing = undefined)));
  // One poller for every waiting batch: a sleep, then one refresh, shared by all who wait on it.
  // The yield lets answers in flight land even when the clock's sleep returns at once (a manual clock).
  const tick = () =>
    (ticking ??= deps.clock
      .sleep(limits.pollIntervalMs, deps.signal)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(refresh)
      .finally(() => (ticking = undefined)));
  const fits = (tokens: number) => {
    const running = active(state);
    const count = running.length + reserved;
    const total = enqueued(state, running) + reservedTokens;
    const tokensOk =
      limits.maxEnqueuedTokens === undefined || count === 0 || total + tokens <= limits.maxEnqueuedTokens;
    return count < limits.maxConcurrentJobs && tokensOk;
  };
  return {
    async acquire(batch, tokens) {
      const started = deps.clock.now();
      let refreshed = false;
      let announced = false;
      while (closed || !fits(tokens)) {
        if (closed) throw new GateClosedError();
        if (!refreshed) {
          await refresh();
          refreshed = true;
          continue;
        }
        if (!announced) {
          const running = active(state);
          deps.events.event("waiting_for_capacity", {
            batch,
            data: { active_jobs: running.length, creating: reserved, enqueued_tokens: enqueued(state, running) },
          });
          deps.info(
            `batch ${batch}: waiting for running jobs: ${running.length} active, ~${enqueued(state, running)} tokens enqueued`,
          );
          announced = true;
        }
        await tick();
      }
      reserved += 1;
      reservedTokens += tokens;
      let released = false;
      return {
        waitedMs: deps.clock.now() - started,
        release() {
          if (released) return;
          released = true;
          reserved -= 1;
          reservedTokens -= tokens;
        },
      };
    },
    close() {
      closed = true;
    },
  };
}
