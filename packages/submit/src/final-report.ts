import path from "node:path";
import { computeCost, type Pricing } from "@gembatch/core";
import type { SubmitRunResult } from "./submit-run.js";
import { isTerminal, REPORT_FILE, shortState, type SubmissionState } from "./state.js";
import { JOB_EXPIRY_MS, RESULTS_KEPT_MS } from "./status.js";

export interface FinalReport {
  generated_at: string;
  model: string;
  input_dir: string;
  range: { start: number; end: number };
  totals: {
    batches: number;
    in_range: number;
    submitted_this_run: number;
    adopted_this_run: number;
    skipped_already_submitted: number;
    failed: number;
    submitted_overall: number;
    remaining: number;
    requests: number;
  };
  timings: {
    started_at: string;
    finished_at: string;
    duration_ms: number;
    rate_limit_waits: number;
    capacity_wait_ms: number;
  };
  cost: { estimated_input_tokens: number; estimated_input_cost_at_batch_price: number | null; note: string };
  interrupted: boolean;
  /** When the jobs must be done by, and how long their results are kept: download promptly. */
  deadlines: { jobs_expire_by: string | null; results_downloadable_until: string | null; note: string };
  batches: Array<{
    batch: number;
    file: string;
    outcome: string;
    job_name?: string;
    state?: string;
    error?: string;
    expires_at?: string;
    results_downloadable_until?: string;
  }>;
}

export function buildFinalReport(options: {
  state: SubmissionState;
  run: SubmitRunResult;
  startedAt: number;
  finishedAt: number;
  pricing: Pricing;
}): FinalReport {
  const { state, run } = options;
  const count = (outcome: string) => run.outcomes.filter((o) => o.outcome === outcome).length;
  const inRange = run.outcomes.map((o) => state.batch_files[String(o.batch)]!);
  const tokens = inRange.reduce((sum, f) => sum + f.estimated_tokens, 0);
  const cost = computeCost(
    { model: state.model, usage: { promptTokenCount: tokens }, batch: true, at: options.finishedAt },
    options.pricing,
  );
  const submittedOverall = Object.keys(state.submitted_jobs).length;
  const batches = run.outcomes.map((o) => {
    const job = state.submitted_jobs[String(o.batch)];
    if (!job) return { ...o };
    const ended = job.end_time ?? (isTerminal(job.state) ? job.state_checked_at : undefined);
    return {
      ...o,
      ...(job.state ? { state: shortState(job.state) } : {}),
      ...(!isTerminal(job.state)
        ? { expires_at: new Date(Date.parse(job.submitted_at) + JOB_EXPIRY_MS).toISOString() }
        : {}),
      ...(/SUCCEEDED$/.test(job.state ?? "") && ended
        ? { results_downloadable_until: new Date(Date.parse(ended) + RESULTS_KEPT_MS).toISOString() }
        : {}),
    };
  });
  return {
    generated_at: new Date(options.finishedAt).toISOString(),
    model: state.model,
    input_dir: state.input_dir,
    range: run.range,
    totals: {
      batches: state.total_batches,
      in_range: run.range.end - run.range.start + 1,
      submitted_this_run: count("submitted"),
      adopted_this_run: count("adopted"),
      skipped_already_submitted: count("skipped"),
      failed: Object.keys(state.failed_batches).length,
      submitted_overall: submittedOverall,
      remaining: state.total_batches - submittedOverall,
      requests: inRange.reduce((sum, f) => sum + f.requests, 0),
    },
    timings: {
      started_at: new Date(options.startedAt).toISOString(),
      finished_at: new Date(options.finishedAt).toISOString(),
      duration_ms: options.finishedAt - options.startedAt,
      rate_limit_waits: run.rate_limit_waits,
      capacity_wait_ms: run.capacity_wait_ms,
    },
    cost: {
      estimated_input_tokens: tokens,
      estimated_input_cost_at_batch_price: cost.cost,
      note: "input only, from a ~4 chars/token estimate; `gembatch submit collect` prices the real usage of the results",
    },
    interrupted: run.interrupted,
    deadlines: deadlinesOf(batches),
    batches,
  };
}

function deadlinesOf(batches: FinalReport["batches"]): FinalReport["deadlines"] {
  const latest = (values: Array<string | undefined>) =>
    values
      .filter((v): v is string => Boolean(v))
      .sort()
      .pop() ?? null;
  const earliest = (values: Array<string | undefined>) =>
    values.filter((v): v is string => Boolean(v)).sort()[0] ?? null;
  return {
    jobs_expire_by: latest(batches.map((b) => b.expires_at)),
    results_downloadable_until: earliest(batches.map((b) => b.results_downloadable_until)),
    note: "Google expires a job not done 48 h after creation (no results), and deletes results some days after a job ends (estimate: 48 h): watch with gembatch submit status --watch and download promptly",
  };
}

export function reportPath(workDir: string): string {
  return path.join(workDir, REPORT_FILE);
}
