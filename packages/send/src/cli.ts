import { z } from "zod";
import {
  clientOptionsFrom,
  createGeminiClient,
  createProgress,
  defineCommand,
  progressMode,
  generationFields,
  generationOptions,
  settingsFromContext,
  type CommandContext,
  type GenerationSettings,
  type ProgressMode,
} from "@gembatch/core";
import { renderSend } from "./render.js";
import { sendExitCode } from "./summary.js";
import type { SendResult } from "./types.js";

const schema = z
  .object({
    issue_report_file: z.string().min(1),
    files_to_fix: z.array(z.string().min(1)).min(1).optional(),
    ...generationFields,
    output_dir: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    dry_run: z.boolean().optional(),
    resume: z.boolean().optional(),
    cache: z.boolean().optional(),
    /** JSON spelling of --no-cache. */
    no_cache: z.boolean().optional(),
    cache_ttl: z.number().int().positive().optional(),
    continue_truncated: z.number().int().min(0).max(20).optional(),
    via: z.enum(["sync", "batch"]).optional(),
    concurrency: z.number().int().positive().max(256).optional(),
    poll_interval: z.number().positive().optional(),
  })
  .strict();

export const sendCommand = defineCommand({
  name: "send",
  summary:
    "Send each file to fix to Gemini on its own request with the whole issue report; write requests, responses and BATCH_SUMMARY.json",
  options: [
    {
      key: "issue_report_file",
      type: "string",
      valueName: "path",
      description: "the issue report (tmp/issues/fix_<issue>.md); sent first, unchanged, in every request",
    },
    {
      key: "files_to_fix",
      type: "string[]",
      valueName: "paths",
      description: "the files to fix, one request each (default: the report's Files to Fix list)",
    },
    {
      key: "output_dir",
      type: "string",
      valueName: "dir",
      description: "run directory (default: tmp/gemini_batch_<YYYYMMDD_HHMMSS>)",
    },
    { key: "model", type: "string", description: "model (default: config/env/gemini-flash-latest)" },
    ...generationOptions(),
    { key: "dry_run", type: "boolean", description: "write the requests and a cost estimate; send nothing" },
    {
      key: "resume",
      type: "boolean",
      description: "continue the run in --output-dir, skipping files already answered",
    },
    {
      key: "cache",
      type: "boolean",
      negate: true,
      description: "no explicit context cache, even when the report is large enough",
    },
    {
      key: "cache_ttl",
      type: "number",
      valueName: "seconds",
      description: "explicit cache TTL (default 3600; extended while the run lasts)",
    },
    {
      key: "continue_truncated",
      type: "number",
      valueName: "n",
      description: "ask up to n times for the rest of a reply cut off by max_tokens (default 0)",
    },
    {
      key: "via",
      type: "string",
      valueName: "sync|batch",
      description: "sync requests (default) or one Batch API job at batch prices",
    },
    {
      key: "concurrency",
      type: "number",
      description: "requests in flight at once (default: config rate_limits.concurrency or 4)",
    },
    {
      key: "poll_interval",
      type: "number",
      valueName: "seconds",
      description: "how often --via batch checks the job (default 30)",
    },
  ],
  examples: [
    `gembatch send '{"issue_report_file": "tmp/issues/fix_logger_bind.md", "files_to_fix": ["src/a.py", "src/b.py"], "max_tokens": 7500}'`,
    "gembatch send --issue-report-file tmp/issues/fix_x.md --files-to-fix src/a.py src/b.py --dry-run",
    "gembatch send --issue-report-file tmp/issues/fix_x.md --files-to-fix src/a.py --continue-truncated 2 --max-cost 0.50",
    "gembatch send --issue-report-file tmp/issues/fix_x.md --files-to-fix src/*.py --via batch",
    "gembatch send --issue-report-file tmp/issues/fix_x.md --files-to-fix src/a.py --resume --output-dir tmp/gemini_batch_20260101_120000",
    "gembatch send --issue-report-file tmp/issues/fix_x.md --files-to-fix src/big.py --model gemini-3.8-flash --thinking-level LOW --dry-run",
  ],
  schema,
  configOverrides: ["model"],
  async run(input, ctx): Promise<SendResult> {
    const { runSend } = await import("./run-send.js");
    const settings = settingsFromContext(input, ctx);
    return runSend(
      {
        issueReportFile: input.issue_report_file,
        ...(input.files_to_fix ? { filesToFix: input.files_to_fix } : {}),
        model: settings.model,
        settings,
        ...(input.output_dir ? { outputDir: input.output_dir } : {}),
        dryRun: input.dry_run ?? false,
        resume: input.resume ?? false,
        cache: input.cache !== false && input.no_cache !== true,
        ...(input.cache_ttl ? { cacheTtlSeconds: input.cache_ttl } : {}),
        continueTruncated: input.continue_truncated ?? 0,
        via: input.via ?? "sync",
        ...(input.concurrency ? { concurrency: input.concurrency } : {}),
        ...(input.poll_interval ? { pollIntervalMs: Math.round(input.poll_interval * 1000) } : {}),
        cwd: ctx.cwd,
        projectRoot: ctx.config.projectRoot,
        tmpDir: ctx.config.tmpDir,
      },
      {
        ...sendDepsFromContext(ctx, settings),
        // A bar on a terminal, a line per file done in CI logs and for agents, nothing with --quiet.
        progress: sendProgress(ctx, progressMode(ctx)),
      },
    );
  },
  renderText: (result) => renderSend(result),
  exitCode: (result) => sendExitCode(result),
});

/** What runSend needs from a command's context; apply builds on the same. */
export function sendDepsFromContext(ctx: CommandContext, settings?: Pick<GenerationSettings, "maxRetries">) {
  return {
    createClient: () => createGeminiClient(clientOptionsFrom(ctx.config)),
    clock: ctx.clock,
    rateLimits: ctx.config.rateLimits,
    retryPolicy: settings ? { ...ctx.config.retry, maxRetries: settings.maxRetries } : ctx.config.retry,
    pricing: ctx.config.pricing,
    ledgerFile: ctx.config.ledgerFile,
    ledgerCommand: ctx.commandName,
    signal: ctx.signal,
    warn: (message: string) => ctx.warn(message),
    info: (message: string) => ctx.info(message),
    // apply and scan-and-fix draw no bar of their own; their sends still write lines off a terminal and report to a
    // listener.
    progress: sendProgress(ctx, progressMode(ctx) === "lines" ? "lines" : "off"),
  };
}

function sendProgress(ctx: CommandContext, mode: ProgressMode) {
  return async (total: number) => {
    const progress = await createProgress({
      mode,
      total,
      label: "send",
      format: "{cost}",
      stream: ctx.stderr,
      listener: ctx.onProgress,
    });
    progress.update(0, { cost: "$0" });
    return progress;
  };
}
