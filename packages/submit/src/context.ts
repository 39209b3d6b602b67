import { CliError, type Clock, type EventLog, type RetryPolicy, type StateStore } from "@gembatch/core";
import type { BatchApi } from "./api.js";
import type { SubmissionState } from "./state.js";

/** What the submit steps share: the API, the saved state, the clock, the log and the user's knobs. */
export interface SubmitDeps {
  api: BatchApi;
  store: StateStore<SubmissionState>;
  events: EventLog;
  clock: Clock;
  signal: AbortSignal;
  retryPolicy: Partial<RetryPolicy>;
  info(message: string): void;
  warn(message: string): void;
  /** Draw live countdowns and progress bars (TTY only). */
  interactive: boolean;
  /** Advanced once per batch handled, when a bar is drawn. */
  progress?: { tick(amount?: number, payload?: Record<string, string | number>): void; stop(): void };
  stderr: NodeJS.WritableStream;
}

export interface Limits {
  maxConcurrentJobs: number;
  maxEnqueuedTokens?: number;
  pollIntervalMs: number;
}

export function nowIso(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/** A one-line countdown on a TTY while a rate-limit wait runs; the wait itself is the clock's. */
export function drawCountdown(deps: Pick<SubmitDeps, "interactive" | "stderr">, label: string, ms: number): void {
  if (!deps.interactive || ms < 2000) return;
  const end = Date.now() + ms;
  const timer = setInterval(() => {
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    deps.stderr.write(`\r${label}: retrying in ${left}s   `);
    if (left === 0) {
      clearInterval(timer);
      deps.stderr.write("\n");
    }
  }, 1000);
  timer.unref();
}

/** The saved submission the subcommands work on; none is bad input (no submission ran here). */
export async function requireState(deps: Pick<SubmitDeps, "store">): Promise<SubmissionState> {
  const state = await deps.store.load();
  if (!state)
    throw new CliError("FILE_NOT_FOUND", "batch_submission_state.json: no submission state here", {
      hint: "run gembatch submit first, or pass --work-dir",
    });
  return state;
}
