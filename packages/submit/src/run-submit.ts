import path from "node:path";
import { writeFileAtomically, type Pricing } from "@gembatch/core";
import type { SubmitDeps } from "./context.js";
import { buildFinalReport, reportPath, type FinalReport } from "./final-report.js";
import { shownPath } from "./paths.js";
import { LOG_FILE, STATE_FILE } from "./state.js";
import { prepareState, runSubmission, type SubmitOptions, type SubmitRunResult } from "./submit-run.js";

export interface RunSubmitOptions extends SubmitOptions {
  projectRoot: string;
  pricing: Pricing;
}

export interface RunSubmitDeps extends SubmitDeps {
  /** A bar (or a progress listener) over the batches this run takes; none when not given. */
  startProgress?: (total: number) => Promise<NonNullable<SubmitDeps["progress"]>>;
}

export interface SubmitResult extends Omit<SubmitRunResult, "fatal"> {
  success: boolean;
  state_file: string;
  log_file: string;
  report_file: string;
  totals: FinalReport["totals"];
  error?: SubmitRunResult["fatal"];
  warnings?: string[];
}

/** `gembatch submit`: take the batches in range through upload and job creation, then write the final report. */
export async function runSubmit(options: RunSubmitOptions, deps: RunSubmitDeps): Promise<SubmitResult> {
  const { projectRoot: root, pricing, ...submitOptions } = options;
  const started = deps.clock.now();
  const { state } = await prepareState(deps, submitOptions);
  await deps.store.save(state);
  const first = options.start ?? 1;
  const last = options.end ?? state.total_batches;
  const progress = deps.startProgress && last >= first ? await deps.startProgress(last - first + 1) : undefined;
  const run = await runSubmission(progress ? { ...deps, progress } : deps, submitOptions, state);
  const report = buildFinalReport({ state, run, startedAt: started, finishedAt: deps.clock.now(), pricing });
  await writeFileAtomically(reportPath(options.workDir), `${JSON.stringify(report, null, 2)}\n`);
  const { fatal, ...rest } = run;
  const failed = run.outcomes.some((o) => o.outcome === "failed");
  return {
    ...rest,
    outcomes: run.outcomes.map((o) => ({ ...o, file: shownPath(root, path.join(options.dir, o.file)) })),
    success: !failed && !fatal && !run.interrupted,
    state_file: shownPath(root, path.join(options.workDir, STATE_FILE)),
    log_file: shownPath(root, path.join(options.workDir, LOG_FILE)),
    report_file: shownPath(root, reportPath(options.workDir)),
    totals: report.totals,
    ...(fatal ? { error: fatal } : {}),
  };
}
