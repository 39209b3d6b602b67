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
 * Re-read the state of every job we believe active (a few at a time), calling `onEnded` as soon as one
 * answer shows a job ended, so room is handed out before the slowest answer lands. Not saved here: this
 * is on the path from a job ending to the next create, and the next save (the next batch's intent) carries it.
 */
export async function refreshActive(
  deps: SubmitDeps,
  state: SubmissionState,
  onEnded: () => void = () => undefined,
): Promise<void> {
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
    if (isTerminal(remote.state)) onEnded();
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
  let closed = false;
  let refreshing: Promise<void> | undefined;
  let lastRefreshAt = Number.NEGATIVE_INFINITY;
  // Waiters re-check for room whenever something may have made some: a job seen ended, a refresh done,
  // a reservation given back, the gate closed.
  let wake: Array<() => void> = [];
  const notify = () => {
    const woken = wake;
    wake = [];
    for (const resolve of woken) resolve();
  };
  const changed = () => new Promise<void>((resolve) => wake.push(resolve));
  const fits = (tokens: number) => {
    const running = active(state);
    const count = running.length + reserved;
    const total = enqueued(state, running) + reservedTokens;
    const tokensOk =
      limits.maxEnqueuedTokens === undefined || count === 0 || total + tokens <= limits.maxEnqueuedTokens;
    return count < limits.maxConcurrentJobs && tokensOk;
  };
  const refresh = () =>
    (refreshing ??= (() => {
      lastRefreshAt = deps.clock.now();
      return refreshActive(deps, state, notify).finally(() => {
        refreshing = undefined;
        notify();
      });
    })());
  // One poller for every waiting batch. Refreshes start a poll interval apart (counted from the start of
  // the previous one, so a slow refresh does not stretch the interval), or back to back when one takes
  // longer. The yield lets answers in flight land even when the clock's sleep returns at once (a manual clock).
  let waiting = 0;
  let polling: Promise<void> | undefined;
  const poll = () => {
    if (!polling) {
      polling = (async () => {
        while (waiting > 0 && !closed) {
          const due = lastRefreshAt + limits.pollIntervalMs - deps.clock.now();
          if (due > 0) await deps.clock.sleep(due, deps.signal);
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (waiting > 0 && !closed) await refresh();
        }
      })().finally(() => (polling = undefined));
      // Its failure (an abort, a refresh out of retries) reaches the waiters racing it; none may be left.
      polling.catch(() => undefined);
    }
    return polling;
  };
  return {
    async acquire(batch, tokens) {
      const started = deps.clock.now();
      let announced = false;
      // States older than a poll interval are read again before this batch is made to wait on them.
      if (!fits(tokens) && !closed && deps.clock.now() - lastRefreshAt >= limits.pollIntervalMs) await refresh();
      while (closed || !fits(tokens)) {
        if (closed) throw new GateClosedError();
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
        waiting += 1;
        try {
          await Promise.race([changed(), poll()]);
        } finally {
          waiting -= 1;
        }
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
          notify();
        },
      };
    },
    close() {
      closed = true;
      notify();
    },
  };
}
