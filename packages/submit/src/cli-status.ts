import { z } from "zod";
import { defineCommand } from "@gembatch/core";
import { buildDeps } from "./deps.js";
import type { StatusResult } from "./run-status.js";
import { jobLine } from "./status-text.js";

export const workDirOption = {
  key: "work_dir" as const,
  type: "string" as const,
  valueName: "path",
  description: "where batch_submission_state.json lives (default: cwd)",
};

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
  async run(input, ctx): Promise<StatusResult> {
    const { runStatus } = await import("./run-status.js");
    const { deps, close } = await buildDeps(ctx, input);
    try {
      return await runStatus(
        { watch: input.watch, pollIntervalMs: input.poll_interval * 1000, stuckAfterMs: input.stuck_after * HOUR },
        deps,
      );
    } finally {
      await close();
    }
  },
  renderText(result) {
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
