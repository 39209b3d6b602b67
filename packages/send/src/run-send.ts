import { setMaxListeners } from "node:events";
import path from "node:path";
import {
  acquireLock,
  checkRetirement,
  CliError,
  createEventLog,
  createRateLimiter,
  defaultPricing,
  systemClock,
  type EventLog,
  type Progress,
} from "@gembatch/core";
import { checkBudgetable, createBudget, reserveCacheCost, type CacheHold } from "./budget.js";
import { createCache, deleteCache, settleSaving, shouldCache, type CacheState } from "./cache.js";
import { dryRun } from "./dry-run.js";
import { loadInputs, planFiles, sha256 } from "./inputs.js";
import { preflight, settingsOf } from "./preflight.js";
import { checkReport } from "./report-check.js";
import { splitAnswered, runRows } from "./earlier-answers.js";
import { displayPath, LOG_FILE, openRunDir, SUMMARY_FILE, writeJson } from "./run-dir.js";
import { readSendMetas } from "./run-files.js";
import type { RunContext } from "./run-context.js";
import { sendBatch } from "./send-batch.js";
import { sendSync, type LoopOutcome } from "./send-sync.js";
import { buildSummary, grossSaving } from "./summary.js";
import type { CacheSummary, FileMeta, SendDeps, SendOptions, SendResult } from "./types.js";
import { usd } from "./usage.js";

const DEFAULTS = {
  concurrency: 4,
  cacheTtlSeconds: 3600,
  pollIntervalMs: 30_000,
  inlineLimitBytes: 15 * 1024 * 1024,
} as const;

function checkOptions(options: SendOptions): void {
  if (options.resume && !options.outputDir) {
    throw new CliError("BAD_INPUT", "resume: needs output_dir, the run directory to resume", {
      hint: "pass --output-dir tmp/gemini_batch_<stamp> (the output_dir of the run that stopped)",
    });
  }
}

/**
 * Send each file to fix on its own request carrying the whole report, and write the run directory:
 * request and response files, a meta file beside each response, and BATCH_SUMMARY.json. Never prints,
 * never exits; whole-run input problems throw a CliError before anything is sent.
 */
export async function runSend(options: SendOptions, deps: SendDeps = {}): Promise<SendResult> {
  const clock = deps.clock ?? systemClock;
  const pricing = deps.pricing ?? defaultPricing;
  const via = options.via ?? "sync";
  const startedAt = clock.now();
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    deps.warn?.(message);
  };
  checkOptions(options);
  const settings = settingsOf(options, pricing, warn);
  const maxCost = settings.maxCost;
  checkRetirement(options.model, { now: startedAt, pricing, allowRetired: settings.allowRetired, warn });
  checkBudgetable({ maxCost, model: options.model, batch: via === "batch", pricing, at: startedAt });
  const { report, files } = loadInputs(options);
  // Made before the run directory, so a missing key (exit 3) leaves nothing behind; a dry run needs none.
  const client = options.dryRun ? undefined : (deps.client ?? (await deps.createClient?.()));
  if (!options.dryRun && !client) throw new CliError("INTERNAL", "runSend: neither client nor createClient was given");
  const runDir = openRunDir(options, startedAt);
  const issueReportFile = displayPath(options.projectRoot, path.resolve(options.cwd, options.issueReportFile));
  const lock = await acquireLock(path.join(runDir, ".send"), { command: "gembatch send" });
  let events: EventLog | undefined;
  // A signal of our own, linked to the caller's: every request in flight listens on it, and more than
  // ten of them would set off Node's listener-leak warning on a signal we do not own.
  const controller = new AbortController();
  const signal = controller.signal;
  setMaxListeners(0, signal);
  const forward = () => controller.abort(deps.signal?.reason);
  if (deps.signal?.aborted) forward();
  else deps.signal?.addEventListener("abort", forward, { once: true });
  try {
    const previous = options.resume ? readSendMetas(runDir) : new Map<string, FileMeta>();
    const reportCheck = checkReport(report, files);
    reportCheck.warnings.forEach(warn);
    const planned = planFiles(files, previous, reportCheck.languages);
    const reportSha = sha256(report);
    const { answered, pending: wanted } = splitAnswered(planned, runDir, previous, {
      projectRoot: options.projectRoot,
      reportSha,
      warn,
    });
    const { pending, tooLarge, maxTokens } = preflight(wanted, settings, { pricing, warn });
    const cachePlan = shouldCache({
      enabled: options.cache !== false && via === "sync",
      files: pending.length,
      report,
      model: options.model,
      pricing,
    });
    if (options.dryRun) {
      const result = dryRun({
        runDir,
        projectRoot: options.projectRoot,
        files: wanted,
        report,
        model: options.model,
        via,
        maxTokens,
        settings,
        maxCost,
        pricing,
        at: startedAt,
        cachePlanned: cachePlan.cache,
        issueReportFile,
        warn,
      });
      return { ...result, ...(warnings.length > 0 ? { warnings } : {}) };
    }
    events = deps.events ?? (await createEventLog(path.join(runDir, LOG_FILE)));
    if (answered.length > 0)
      deps.info?.(
        `Resuming ${displayPath(options.projectRoot, runDir)}: ${answered.length} file(s) already answered, skipped`,
      );
    deps.info?.(
      `Sending ${pending.length} file(s) to ${options.model}${via === "batch" ? " as one Batch API job" : ""}; run dir ${displayPath(options.projectRoot, runDir)}/`,
    );
    const concurrency = options.concurrency ?? deps.rateLimits?.concurrency ?? DEFAULTS.concurrency;
    const limiter =
      deps.limiter ??
      createRateLimiter({
        requestsPerMinute: deps.rateLimits?.requests_per_minute,
        tokensPerMinute: deps.rateLimits?.tokens_per_minute,
        concurrency,
        clock,
      });
    const budget = createBudget(maxCost);
    const runName = path.basename(runDir);
    const run: RunContext = {
      runDir,
      runName,
      projectRoot: options.projectRoot,
      model: options.model,
      via,
      maxTokens,
      temperature: settings.temperature ?? undefined,
      thinking: settings.thinking,
      continueTruncated: options.continueTruncated ?? 0,
      report,
      reportSha,
      clock,
      pricing,
      budget,
      events,
      signal,
      client: client!,
      generate: {
        client: client!,
        limiter,
        clock,
        pricing,
        events,
        signal,
        ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}),
        ...(deps.ledgerFile
          ? { ledger: { file: deps.ledgerFile, command: deps.ledgerCommand ?? "send", run: runName } }
          : {}),
      },
      cache: null,
      warn,
    };
    events.event("run_started", {
      files: pending.length,
      resumed: answered.length,
      too_large: tooLarge.length,
      model: options.model,
      via,
      max_tokens: maxTokens,
      thinking: settings.thinking,
      max_cost: maxCost,
      cache_planned: cachePlan.cache,
      shared_tokens: cachePlan.tokens,
    });
    const progress: Progress = (await deps.progress?.(pending.length)) ?? {
      tick: () => {},
      update: () => {},
      stop: () => {},
    };
    const onDone = () => progress.tick(1, { cost: usd(budget.spent()) });
    let cacheState: CacheState | null = null;
    let cacheHold: CacheHold | null = null;
    let cache: CacheSummary | null = null;
    let loop: LoopOutcome & { job?: SendResult["batch_job"] };
    try {
      if (cachePlan.cache) {
        const ttlSeconds = options.cacheTtlSeconds ?? DEFAULTS.cacheTtlSeconds;
        // The cache is billed too (creation, then storage until it is deleted): it is made only when
        // the cap holds with both counted, else the run goes on without it.
        cacheHold = reserveCacheCost(budget, {
          model: options.model,
          tokens: cachePlan.tokens,
          ttlSeconds,
          pricing,
          at: clock.now(),
        });
        if (!cacheHold) {
          warn(
            `explicit cache not created: its creation and storage would push the spend past max_cost ($${maxCost}); sending without it`,
          );
          events.event("cache_skipped", { reason: "budget", max_cost: maxCost });
        } else {
          cacheState = await createCache(run, {
            ttlSeconds,
            ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}),
            ...(deps.ledgerFile ? { ledgerFile: deps.ledgerFile } : {}),
          }).catch(() => null);
          budget.release(cacheHold.creation);
        }
      }
      if (signal.aborted)
        loop = {
          results: [],
          notSent: pending.map((f) => ({ file_to_fix: f.file, reason: "interrupted" as const })),
          stop: { reason: "interrupted" },
        };
      else if (via === "batch") {
        loop = await sendBatch(run, pending, {
          pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
          inlineLimitBytes: options.batchInlineLimitBytes ?? DEFAULTS.inlineLimitBytes,
          onDone,
          ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}),
          ...(deps.ledgerFile ? { ledgerFile: deps.ledgerFile } : {}),
        });
      } else loop = await sendSync(run, pending, { concurrency, onDone });
    } finally {
      progress.stop();
      // Deleted whatever happened, so a failed or interrupted run leaves no cache billing by the hour.
      if (cacheHold) budget.release(cacheHold.storage);
      if (cacheState) cache = await deleteCache(run, cacheState);
    }
    // `previous` already holds every answered file of this pass, so `answered` need not be added again.
    const notSent = [...tooLarge, ...loop.notSent];
    const results = runRows(previous, loop.results, notSent, { runDir, projectRoot: options.projectRoot });
    if (cache) settleSaving(cache, loop.results, grossSaving(loop.results));
    const summaryPath = path.join(runDir, SUMMARY_FILE);
    const summary = buildSummary({
      via,
      model: options.model,
      issueReportFile,
      outputDir: displayPath(options.projectRoot, runDir),
      summaryFile: displayPath(options.projectRoot, summaryPath),
      logFile: displayPath(options.projectRoot, events.file),
      results,
      notSent,
      stop: loop.stop ?? null,
      cache,
      maxCost,
      spent: budget.spent(),
      batchJob: loop.job ?? null,
      startedAt,
      finishedAt: clock.now(),
    });
    summary.max_tokens = maxTokens;
    summary.thinking = settings.thinking;
    if (warnings.length > 0) summary.warnings = [...warnings];
    writeJson(summaryPath, summary);
    events.event("run_finished", {
      succeeded: summary.files_succeeded,
      processed: summary.files_processed,
      not_sent: summary.not_sent.length,
      stopped: summary.stopped,
      total_cost: summary.total_cost,
    });
    return summary;
  } finally {
    deps.signal?.removeEventListener("abort", forward);
    if (events && !deps.events) events.close();
    await lock.release();
  }
}
