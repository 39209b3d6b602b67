import { z } from "zod";
import { CliError, createProgress, defineCommand } from "@gembatch/core";
import type { SubmitDeps } from "./context.js";
import { buildDeps } from "./deps.js";
import { collectStatus, type JobStatus, type StatusSummary } from "./status.js";
import type { SubmissionState } from "./state.js";

export const workDirOption = {
  key: "work_dir" as const,
  type: "string" as const,
  valueName: "path",
  description: "where batch_submission_state.json lives (default: cwd)",
};

export async function requireState(deps: SubmitDeps): Promise<SubmissionState> {
  const state = await deps.store.load();
  if (!state)
    throw new CliError("FILE_NOT_FOUND", "batch_submission_state.json: no submission state here", {
      hint: "run gembatch submit first, or pass --work-dir",
    });
  return state;
}

function jobLine(j: JobStatus): string {
  const flags = j.flags.length ? `  [${j.flags.join(", ")}]` : "";
  return `batch ${String(j.batch).padStart(4)}  ${j.state.padEnd(10)} ${j.succeeded + j.failed}/${j.requests} done${j.failed ? ` (${j.failed} failed)` : ""}  ${j.job_name}${flags}`;
}

/** One line per job whose state, progress or flags changed since the previous poll (all of them the first time). */
function changes(previous: Map<number, string>, summary: StatusSummary): string[] {
  const lines: string[] = [];
  for (const job of summary.jobs) {
    const now = `${job.state} ${job.succeeded + job.failed}/${job.requests} ${job.flags.join(",")}`;
    const before = previous.get(job.batch);
    if (before === now) continue;
    const was = before?.split(" ")[0];
    lines.push(was && was !== job.state ? `${jobLine(job)}  (was ${was})` : jobLine(job));
    previous.set(job.batch, now);
  }
  return lines;
}

const HOUR = 3_600_000;

export const statusCommand = defineCommand({
  name: "status",
  summary: "Every job's state, counts by state, request progress from batchStats, and jobs stuck or near expiry",
  options: [
    workDirOption,
    {
      key: "watch",
      type: "boolean",
      description: "poll until every job has finished (a line per change when not on a terminal)",
    },
    {
      key: "poll_interval",
      type: "number",
      valueName: "seconds",
      description: "poll interval with --watch (default: 30)",
      aliases: ["interval"],
    },
    {
      key: "stuck_after",
      type: "number",
      valueName: "hours",
      description: "flag a job pending or running longer than this (default: 24; Google expires jobs at 48)",
    },
  ],
  examples: [
    "gembatch submit status",
    "gembatch submit status --watch --poll-interval 60",
    "gembatch submit status --watch 2> watch.log",
    "gembatch submit status --stuck-after 12 --json",
  ],
  schema: z
    .object({
      work_dir: z.string().min(1).optional(),
      watch: z.boolean().default(false),
      poll_interval: z.number().positive().default(30),
      stuck_after: z.number().positive().default(24),
    })
    .strict(),
  async run(input, ctx) {
    const { deps, close } = await buildDeps(ctx, input);
    try {
      const state = await requireState(deps);
      const options = { stuckAfterMs: input.stuck_after * HOUR };
      let summary = await collectStatus(deps, state, options);
      const lines = input.watch && !ctx.interactive;
      const seen = new Map<number, string>();
      const report = () => {
        if (lines) for (const line of changes(seen, summary)) deps.info(line);
      };
      report();
      const bar = await createProgress({
        enabled: ctx.interactive && input.watch,
        total: summary.requests.total,
        label: "requests",
      });
      bar.update(summary.requests.succeeded + summary.requests.failed);
      while (input.watch && !summary.all_done) {
        await ctx.clock.sleep(input.poll_interval * 1000, ctx.signal);
        summary = await collectStatus(deps, state, options);
        bar.update(summary.requests.succeeded + summary.requests.failed);
        report();
      }
      bar.stop();
      for (const warning of summary.warnings) ctx.warn(warning);
      const { warnings: _shown, ...rest } = summary;
      return { success: true, ...rest };
    } finally {
      await close();
    }
  },
  renderText(result: Omit<StatusSummary, "warnings"> & { success: boolean }) {
    if (result.jobs.length === 0) return "No jobs submitted yet.";
    const lines = result.jobs.map(jobLine);
    const counts = Object.entries(result.by_state)
      .map(([s, n]) => `${n} ${s}`)
      .join(", ");
    const r = result.requests;
    lines.push(
      "",
      `Jobs: ${counts}. Requests: ${r.succeeded} succeeded, ${r.failed} failed, ${r.pending} pending of ${r.total}.${result.all_done ? " All jobs finished." : ""}`,
    );
    if (result.results_downloadable_until)
      lines.push(
        `Results not downloaded yet are kept until about ${result.results_downloadable_until}: run gembatch submit download promptly.`,
      );
    return lines.join("\n");
  },
});
