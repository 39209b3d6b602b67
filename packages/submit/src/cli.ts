import path from "node:path";
import { z } from "zod";
import {
  allowRetiredFrom,
  checkRetirement,
  CliError,
  createProgress,
  defaultRetryPolicy,
  defineCommand,
  ExitCode,
  generationFields,
  generationOptions,
} from "@gembatch/core";
import { buildDeps } from "./deps.js";
import { listInputFiles } from "./inputs.js";
import { argPath } from "./paths.js";
import type { SubmitResult } from "./run-submit.js";
import { checkRange } from "./submit-run.js";
import { statusCommand, downloadCommand, collectCommand, cancelCommand } from "./cli-subcommands.js";

const schema = z
  .object({
    start: z.number().int().positive().optional(),
    end: z.number().int().positive().optional(),
    dir: z.string().min(1).default("batches"),
    work_dir: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    display_prefix: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$/, "letters, digits, . _ - (at most 61)")
      .optional(),
    rate_limit_wait: z.number().nonnegative().optional(),
    max_retries: z.number().int().nonnegative().optional(),
    retry_failed: z.boolean().default(false),
    max_concurrent_jobs: z.number().int().positive().default(100),
    max_enqueued_tokens: z.number().int().positive().optional(),
    poll_interval: z.number().positive().default(30),
    upload_ahead: z.number().int().nonnegative().default(2),
    allow_retired: generationFields.allow_retired,
    create_concurrency: z.number().int().positive().max(32).default(16),
    webhook_uri: z
      .array(
        z
          .string()
          .url()
          .regex(/^https:\/\//, "an https:// URL"),
      )
      .optional(),
  })
  .strict();

export type { SubmitResult };

export const submitCommand = defineCommand({
  name: "submit",
  summary: "Submit JSONL request files to the Gemini Batch API, resumably and never twice",
  description:
    "Validates every line of every *.jsonl file in --dir, then for each batch in [start, end]: upload → save → create the job with a deterministic display name → save → log. Resumable from any point: completed batches are skipped, uploads reused, and a job whose creation was cut short is adopted, never created twice.",
  positionals: [
    { key: "start", description: "first batch number (files are numbered 1..N in name order)", type: "number" },
    { key: "end", description: "last batch number", type: "number" },
  ],
  options: [
    {
      key: "dir",
      type: "string",
      valueName: "path",
      description: "folder of *.jsonl request files (default: batches)",
    },
    {
      key: "work_dir",
      type: "string",
      valueName: "path",
      description: "where the state, log and report files live (default: cwd)",
    },
    { key: "model", type: "string", description: "model for the jobs (default: config/env/gemini-flash-latest)" },
    {
      key: "display_prefix",
      type: "string",
      description: "prefix of the jobs' display names (default: gembatch-<dir name>)",
    },
    {
      key: "rate_limit_wait",
      type: "number",
      valueName: "seconds",
      description: `wait after a 429 without a retry delay (default: ${defaultRetryPolicy.rateLimitWaitMs / 1000})`,
    },
    { key: "max_retries", type: "number", description: `retries per step (default: ${defaultRetryPolicy.maxRetries})` },
    { key: "retry_failed", type: "boolean", description: "take the batches in failed_batches again" },
    { key: "max_concurrent_jobs", type: "number", description: "wait while this many jobs are active (default: 100)" },
    { key: "max_enqueued_tokens", type: "number", description: "wait while active jobs hold this many input tokens" },
    {
      key: "poll_interval",
      type: "number",
      valueName: "seconds",
      description: "how often to check running jobs while waiting (default: 30)",
    },
    {
      key: "upload_ahead",
      type: "number",
      description: "uploads that may run ahead of job creation (default: 2; 0 = one step at a time)",
    },
    ...generationOptions(["allow_retired"]),
    {
      key: "create_concurrency",
      type: "number",
      description:
        "batches uploaded and created at once, within the job and token limits (default: 16, at most --max-concurrent-jobs; 1 = one at a time)",
    },
    {
      key: "webhook_uri",
      type: "string[]",
      valueName: "url",
      description: "https URL Google notifies when each job ends (the job's webhookConfig; repeatable)",
    },
  ],
  examples: [
    "gembatch submit --dir batches/",
    "gembatch submit 81 204 --dir batches/",
    "gembatch submit --retry-failed --rate-limit-wait 180",
    "gembatch submit --webhook-uri https://example.com/gemini-batch-done",
    `gembatch submit '{"dir": "batches", "start": 170, "end": 204}'`,
    "gembatch submit status --watch",
    "gembatch submit download --output-dir gemini_batch_results/",
    "gembatch submit collect",
  ],
  schema,
  configOverrides: ["model"],
  async run(input, ctx) {
    if (input.start !== undefined && input.end !== undefined && input.start > input.end) {
      throw new CliError("BAD_INPUT", `end: ${input.end} is before start ${input.start}`, {
        hint: "give the range as START END, e.g. 81 204",
      });
    }
    // Before the state is locked or anything uploaded: a retired model refuses the run, one retiring soon warns.
    checkRetirement(input.model ?? ctx.config.model, {
      now: ctx.clock.now(),
      pricing: ctx.config.pricing,
      allowRetired: allowRetiredFrom(input.allow_retired, ctx.env),
      warn: (m) => ctx.warn(m),
    });
    const root = ctx.config.projectRoot;
    const dir = argPath({ cwd: ctx.cwd, projectRoot: root }, input.dir, "dir");
    // The range is checked against the folder before anything is created or saved.
    checkRange(input.start, input.end, listInputFiles(dir, input.dir).length, input.dir);
    const { runSubmit } = await import("./run-submit.js");
    const { deps, workDir, close } = await buildDeps(ctx, input, { createWorkDir: true });
    try {
      return await runSubmit(
        {
          dir,
          dirLabel: input.dir,
          workDir,
          model: input.model ?? ctx.config.model,
          displayPrefix: input.display_prefix ?? `gembatch-${path.basename(dir).replace(/[^A-Za-z0-9._-]/g, "-")}`,
          ...(input.start !== undefined ? { start: input.start } : {}),
          ...(input.end !== undefined ? { end: input.end } : {}),
          retryFailed: input.retry_failed,
          maxConcurrentJobs: input.max_concurrent_jobs,
          ...(input.max_enqueued_tokens !== undefined ? { maxEnqueuedTokens: input.max_enqueued_tokens } : {}),
          pollIntervalMs: input.poll_interval * 1000,
          uploadMarginMs: 60 * 60 * 1000,
          uploadAhead: input.upload_ahead,
          createConcurrency: Math.min(input.create_concurrency, input.max_concurrent_jobs),
          ...(input.webhook_uri?.length ? { webhook: { uris: input.webhook_uri } } : {}),
          projectRoot: root,
          pricing: ctx.config.pricing,
        },
        {
          ...deps,
          ...(ctx.interactive || ctx.onProgress
            ? {
                startProgress: (total: number) =>
                  createProgress({
                    enabled: ctx.interactive,
                    total,
                    label: "submit",
                    format: "batch {batch}",
                    stream: ctx.stderr,
                    listener: ctx.onProgress,
                  }),
              }
            : {}),
        },
      );
    } finally {
      await close();
    }
  },
  exitCode(result) {
    if (result.interrupted) return ExitCode.INTERRUPTED;
    if (result.error) return result.error.exit_code as (typeof ExitCode)[keyof typeof ExitCode];
    return result.success ? ExitCode.OK : ExitCode.ITEMS_FAILED;
  },
  renderText(result) {
    const t = result.totals;
    const lines = [
      `Batches ${result.range.start}..${result.range.end} of ${result.total_batches}: ${t.submitted_this_run} submitted, ${t.adopted_this_run} adopted, ${t.skipped_already_submitted} already submitted, ${result.outcomes.filter((o) => o.outcome === "failed").length} failed.`,
      `Overall: ${t.submitted_overall}/${t.batches} submitted, ${t.remaining} remaining.`,
    ];
    for (const o of result.outcomes.filter((x) => x.outcome === "failed"))
      lines.push(`  ✗ batch ${o.batch} (${o.file}): ${o.error}`);
    if (result.error)
      lines.push(`Stopped: ${result.error.message}${result.error.hint ? ` (${result.error.hint})` : ""}`);
    if (result.interrupted) lines.push("Interrupted: state saved; run the same command again to resume.");
    lines.push(`State: ${result.state_file}`, `Report: ${result.report_file}`);
    return lines.join("\n");
  },
  subcommands: [statusCommand, downloadCommand, collectCommand, cancelCommand],
});
