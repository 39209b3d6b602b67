import { z } from "zod";
import { checkRetirement, defineCommand, generationFields, generationOptions } from "@gembatch/core";
import { stopExitCode } from "./apply-command.js";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_VERIFY_TIMEOUT_S,
  depsFromContext,
  modelSettings,
  verifyCommands,
} from "./command-deps.js";
import { fixFields, fixOptions } from "./fix-options.js";
import { renderScanAndFix } from "./scan-and-fix/render.js";
import { batchDeps, batchOptions } from "./scan-and-fix/batch-options.js";
import { parseShard } from "./scan-and-fix/shard.js";
import type { ScanAndFixResult } from "./scan-and-fix/types.js";

const strings = z.array(z.string().min(1));

const schema = z
  .object({
    ...fixFields,
    paths: strings.optional(),
    rules: strings.optional(),
    exclude: strings.optional(),
    min_severity: z.enum(["error", "warning", "note"]).optional(),
    all_rules: z.boolean().optional(),
    max_files: z.number().int().positive().optional(),
    shard: z.string().min(1).optional(),
    dry_run: z.boolean().optional(),
    resume: z.boolean().optional(),
    output_dir: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    ...generationFields,
    include_imports: z.boolean().optional(),
    max_context_tokens: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().max(64).optional(),
    via: z.enum(["sync", "batch"]).optional(),
    retry_via: z.enum(["sync", "batch"]).optional(),
    wait: z.boolean().optional(),
    poll_interval: z.number().positive().optional(),
    resubmit_missing: z.boolean().optional(),
    batch_max_requests: z.number().int().positive().optional(),
    batch_max_bytes: z.number().int().positive().optional(),
  })
  .strict();

export const scanAndFixCommand = defineCommand({
  name: "scan-and-fix",
  summary:
    "Scan, report, send, extract, apply and verify with one retry; failure reports and a JSON + markdown summary (CI)",
  positionals: [{ key: "paths", description: "files or directories to scan (default: the project)", variadic: true }],
  options: [
    ...fixOptions,
    {
      key: "rules",
      type: "string[]",
      valueName: "ids",
      description: "only these rules (default: every auto-fixable rule at severity warning or above)",
    },
    { key: "exclude", type: "string[]", valueName: "globs", description: "skip files matching these globs" },
    {
      key: "min_severity",
      type: "string",
      valueName: "level",
      description:
        "only rules of this severity or higher: error, warning or note (default: warning when no rules are named)",
    },
    {
      key: "all_rules",
      type: "boolean",
      description:
        "with no --rules: also the rules left to people (todo-comment, debug-print, not-implemented, custom rules tagged manual), at every severity",
    },
    { key: "max_files", type: "number", description: "work on at most this many files (after sharding)" },
    {
      key: "shard",
      type: "string",
      valueName: "i/n",
      description: "only this deterministic share of the files (CI matrix: 1/4 … 4/4)",
    },
    {
      key: "dry_run",
      type: "boolean",
      description: "write the reports and requests and a cost estimate; send nothing",
    },
    { key: "resume", type: "boolean", description: "continue an interrupted run (the latest one, or --output-dir)" },
    {
      key: "output_dir",
      type: "string",
      valueName: "dir",
      description: "run directory (default: tmp/gembatch_fix_<YYYYMMDD_HHMMSS>)",
    },
    { key: "model", type: "string", description: "model (default: config/env/gemini-flash-latest)" },
    ...generationOptions(),
    {
      key: "include_imports",
      type: "boolean",
      description: "add the local files the files to fix import to each report",
    },
    { key: "max_context_tokens", type: "number", description: "refuse a report larger than this many tokens" },
    {
      key: "concurrency",
      type: "number",
      description: "requests in flight at once (default: config rate_limits.concurrency or 4)",
    },
    {
      key: "via",
      type: "string",
      valueName: "route",
      description:
        "sync (default) or batch: first attempts as Batch API jobs at half price; returns pending at once, apply later with --resume",
    },
    {
      key: "retry_via",
      type: "string",
      valueName: "route",
      description:
        "batch runs: sync (default) or batch: the retries a resume finds needed go out as a new batch job (the run stays pending until it ends); escalation stays sync",
    },
    {
      key: "wait",
      type: "boolean",
      description: "batch runs: poll until the jobs end (progress on stderr), then apply",
    },
    {
      key: "poll_interval",
      type: "number",
      valueName: "seconds",
      description: "batch runs: how often --wait checks the jobs (default: 60)",
    },
    {
      key: "resubmit_missing",
      type: "boolean",
      description:
        "with --resume: send the requests whose job expired, was cancelled or failed again as a new batch job",
    },
    {
      key: "batch_max_requests",
      type: "number",
      description: "batch runs: requests per batch input file (default: 10000)",
    },
    {
      key: "batch_max_bytes",
      type: "number",
      description: "batch runs: bytes per batch input file (default: 1900000000, under Google's 2 GB)",
    },
  ],
  examples: [
    "gembatch scan-and-fix",
    "gembatch scan-and-fix src --rules logger-bind --verify 'python3 -m unittest' --max-cost 1",
    "gembatch scan-and-fix --dry-run --json",
    "gembatch scan-and-fix --shard 2/4 --max-files 50 --json",
    "gembatch scan-and-fix --resume",
    'gembatch scan-and-fix --via batch --json   # returns at once: stopped "pending", the run dir and the job names',
    "gembatch scan-and-fix --resume --output-dir tmp/gembatch_fix_20261129_020000 --wait   # apply when the jobs end",
    "gembatch scan-and-fix --resume --output-dir tmp/gembatch_fix_20261129_020000 --resubmit-missing",
    "gembatch scan-and-fix --via batch --retry-via batch --json   # retries as batch jobs too: each --resume that needs them stays pending",
    "gembatch scan-and-fix --skip-verify --dry-run   # no verify command, said out loud (an empty --verify is refused)",
    `gembatch scan-and-fix '{"paths": ["src"], "rules": ["logger-bind"], "verify": ["python3 -m unittest"], "max_cost": 0.5}'`,
  ],
  schema,
  configOverrides: ["model"],
  async run(input, ctx): Promise<ScanAndFixResult> {
    const shard = input.shard ? parseShard(input.shard) : null;
    const { runScanAndFix } = await import("./scan-and-fix/run-scan-and-fix.js");
    const settings = modelSettings(input, ctx);
    // Checked before the scan, so a retired model stops the run before any report is written.
    checkRetirement(settings.model, {
      now: ctx.clock.now(),
      pricing: ctx.config.pricing,
      allowRetired: settings.allowRetired,
      warn: (m) => ctx.warn(m),
    });
    const maxCost = settings.maxCost ?? undefined;
    return runScanAndFix(
      {
        cwd: ctx.cwd,
        projectRoot: ctx.config.projectRoot,
        tmpDir: ctx.config.tmpDir,
        ...(input.paths ? { paths: input.paths } : {}),
        ...(input.rules ? { rules: input.rules } : {}),
        ...(input.exclude ? { exclude: input.exclude } : {}),
        ...(input.min_severity ? { minSeverity: input.min_severity } : {}),
        ...(input.all_rules ? { allRules: true } : {}),
        scanConfig: ctx.config.file.scan,
        ...(ctx.config.configFile ? { configFile: ctx.config.configFile, configLabel: "gembatch.config.json" } : {}),
        verify: verifyCommands(input, ctx),
        verifyTimeoutMs: Math.round((input.verify_timeout ?? DEFAULT_VERIFY_TIMEOUT_S) * 1000),
        maxAttempts: input.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
        ...(maxCost === undefined ? {} : { maxCost }),
        ...(input.max_files ? { maxFiles: input.max_files } : {}),
        shard,
        dryRun: input.dry_run ?? false,
        resume: input.resume ?? false,
        ...(input.output_dir ? { outputDir: input.output_dir } : {}),
        escalate: input.escalate ?? false,
        escalationModel: input.escalation_model ?? ctx.config.escalationModel,
        commit: input.commit ?? false,
        allowDirty: input.allow_dirty ?? false,
        ...(input.branch ? { branch: input.branch } : {}),
        settings,
        ...(input.include_imports ? { includeImports: true } : {}),
        ...(input.max_context_tokens ? { maxContextTokens: input.max_context_tokens } : {}),
        ...(input.concurrency ? { concurrency: input.concurrency } : {}),
        ...(ctx.env.GITHUB_STEP_SUMMARY ? { stepSummaryFile: ctx.env.GITHUB_STEP_SUMMARY } : {}),
        ...batchOptions(input),
      },
      { ...depsFromContext(ctx, settings), ...(await batchDeps(input, ctx)) },
    );
  },
  renderText: (result) => renderScanAndFix(result),
  exitCode: (result) => (result.dry_run ? 0 : stopExitCode(result.stopped, result.success)),
});
