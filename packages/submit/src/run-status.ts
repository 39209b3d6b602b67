import { createProgress } from "@gembatch/core";
import { requireState, type SubmitDeps } from "./context.js";
import { collectStatus, type StatusSummary } from "./status.js";
import { changes } from "./status-text.js";

export interface RunStatusOptions {
  /** Poll until every job has finished. */
  watch: boolean;
  pollIntervalMs: number;
  stuckAfterMs: number;
}

export type StatusResult = Omit<StatusSummary, "warnings"> & { success: boolean };

/** `gembatch submit status`: every job's state, polled to the end with `watch`; the warnings go to `deps.warn`. */
export async function runStatus(options: RunStatusOptions, deps: SubmitDeps): Promise<StatusResult> {
  const state = await requireState(deps);
  const statusOptions = { stuckAfterMs: options.stuckAfterMs };
  let summary = await collectStatus(deps, state, statusOptions);
  // Off a terminal a watch logs a line per change; on one it draws a bar.
  const lines = options.watch && !deps.interactive;
  const seen = new Map<number, string>();
  const report = () => {
    if (lines) for (const line of changes(seen, summary)) deps.info(line);
  };
  report();
  const bar = await createProgress({
    enabled: deps.interactive && options.watch,
    total: summary.requests.total,
    label: "requests",
  });
  bar.update(summary.requests.succeeded + summary.requests.failed);
  while (options.watch && !summary.all_done) {
    await deps.clock.sleep(options.pollIntervalMs, deps.signal);
    summary = await collectStatus(deps, state, statusOptions);
    bar.update(summary.requests.succeeded + summary.requests.failed);
    report();
  }
  bar.stop();
  for (const warning of summary.warnings) deps.warn(warning);
  const { warnings: _shown, ...rest } = summary;
  return { success: true, ...rest };
}
