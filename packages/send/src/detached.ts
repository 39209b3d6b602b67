import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  appendLedger,
  createEventLog,
  defaultPricing,
  estimateTokens,
  redactDeep,
  systemClock,
  type Clock,
  type Pricing,
  type UsageMetadata,
} from "@gembatch/core";
import { restRequest } from "./batch-job.js";
import { loadInputs, planFiles, sha256, type PlannedFile } from "./inputs.js";
import { preflight, settingsOf } from "./preflight.js";
import { buildRequest, requestText } from "./prompt.js";
import { checkReport } from "./report-check.js";
import { renderRequestFile } from "./request-file.js";
import { displayPath, fileNames, LOG_FILE, SUMMARY_FILE, writeFileAtomic, writeJson } from "./run-dir.js";
import { readSendMetas } from "./run-files.js";
import type { RunContext } from "./run-context.js";
import { ledgerRow } from "./send-batch.js";
import { finishFile, resultFromMeta, writeOutcome } from "./send-file.js";
import { buildSummary } from "./summary.js";
import type { FileResult, NotSent, SendOptions } from "./types.js";
import { priceReply } from "./usage.js";

/** What a detached batch run remembers between the submit and the pick-up (possibly on another machine). */
export const DETACHED_PLAN_FILE = "batch_plan.json";

interface PlanFile {
  n: number;
  file: string;
  sha256: string;
  fence: string;
  language: string;
}

interface DetachedPlan {
  model: string;
  max_tokens: number;
  report_sha256: string;
  issue_report_file: string;
  files: PlanFile[];
}

interface DetachedRequest {
  file: string;
  n: number;
  /** The request as the REST API spells it: the `request` of a batch JSONL line. */
  request: Record<string, unknown>;
  estimated_prompt_tokens: number;
}

/**
 * Write every request of a send run as a batch would carry it, without sending: the request files in
 * the run directory and a plan beside them, so `recordBatchReplies` can later write the replies in the
 * very shape a synchronous run leaves (responses, metas, BATCH_SUMMARY.json) for extract and apply.
 */
export function prepareBatchRequests(
  options: SendOptions,
  deps: { pricing?: Pricing; warn?(message: string): void } = {},
): { runDir: string; requests: DetachedRequest[]; notSent: NotSent[]; maxTokens: number } {
  const pricing = deps.pricing ?? defaultPricing;
  const warn = (message: string) => deps.warn?.(message);
  const settings = settingsOf(options, pricing, warn);
  const { report, files } = loadInputs(options);
  const runDir = path.resolve(options.cwd, options.outputDir ?? ".");
  mkdirSync(runDir, { recursive: true });
  const reportCheck = checkReport(report, files);
  reportCheck.warnings.forEach(warn);
  const planned = planFiles(files, new Map(), reportCheck.languages);
  const { pending, tooLarge, maxTokens } = preflight(planned, settings, { pricing, warn });
  const requests = pending.map((file): DetachedRequest => {
    // Scrubbed once here, where the prompt leaves for the batch input file.
    const request = redactDeep(
      buildRequest({
        report,
        instructions: file.instructions,
        maxTokens,
        ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
        ...(settings.thinking ? { thinking: settings.thinking } : {}),
      }),
    );
    writeFileAtomic(
      path.join(runDir, file.names.request),
      renderRequestFile(request, {
        file: file.file,
        model: options.model,
        sha256: file.sha256,
        fence: file.fence,
        via: "batch",
      }),
    );
    return {
      file: file.file,
      n: file.n,
      request: restRequest(request),
      estimated_prompt_tokens: estimateTokens(requestText(request)),
    };
  });
  const plan: DetachedPlan = {
    model: options.model,
    max_tokens: maxTokens,
    report_sha256: sha256(report),
    issue_report_file: displayPath(options.projectRoot, path.resolve(options.cwd, options.issueReportFile)),
    files: pending.map((f) => ({ n: f.n, file: f.file, sha256: f.sha256, fence: f.fence, language: f.language })),
  };
  writeJson(path.join(runDir, DETACHED_PLAN_FILE), plan);
  return { runDir, requests, notSent: tooLarge, maxTokens };
}

/** One collected batch row for a file: its reply, or why there is none. */
export interface BatchReply {
  text: string | null;
  finish_reason: string | null;
  usage: UsageMetadata | null;
  model_version: string | null;
  /** A row-level error, or the job's end state when its results are gone. */
  error: string | null;
  job: string;
}

/**
 * Write the replies a batch brought back for a prepared run, as a synchronous run would have: a reply
 * is assessed (truncated, elided, no markers) exactly as send assesses one, priced at batch rates and
 * appended to the cost ledger once (a file whose meta exists is not written or counted again).
 */
export async function recordBatchReplies(
  runDir: string,
  replies: Map<string, BatchReply>,
  options: { projectRoot: string; clock?: Clock; pricing?: Pricing; ledgerFile?: string; ledgerCommand?: string },
): Promise<FileResult[]> {
  const plan = JSON.parse(readFileSync(path.join(runDir, DETACHED_PLAN_FILE), "utf8")) as DetachedPlan;
  const clock = options.clock ?? systemClock;
  const pricing = options.pricing ?? defaultPricing;
  const events = await createEventLog(path.join(runDir, LOG_FILE));
  const before = readSendMetas(runDir);
  const run = {
    runDir,
    runName: path.basename(runDir),
    projectRoot: options.projectRoot,
    model: plan.model,
    via: "batch",
    maxTokens: plan.max_tokens,
    reportSha: plan.report_sha256,
    continueTruncated: 0,
    clock,
    pricing,
    events,
    cache: null,
    warn: () => {},
  } as unknown as RunContext;
  const written: FileResult[] = [];
  try {
    for (const entry of plan.files) {
      const reply = replies.get(entry.file);
      if (!reply || before.has(entry.file)) continue;
      // Only what finishFile and writeOutcome read: a batch reply is never continued.
      const file = { ...entry, names: fileNames(entry.n, entry.file) } as unknown as PlannedFile;
      const startedAt = clock.now();
      if (reply.text === null) {
        written.push(
          writeOutcome(run, file, { parts: [], startedAt, error: reply.error ?? "no reply", batchJob: reply.job }),
        );
        continue;
      }
      const usage = reply.usage ?? {};
      const priced = priceReply({
        model: reply.model_version ?? plan.model,
        usage,
        at: clock.now(),
        batch: true,
        pricing,
      });
      const part = {
        text: reply.text,
        finishReason: reply.finish_reason,
        usage,
        modelVersion: reply.model_version,
        cost: priced.cost,
        costWithoutCache: priced.costWithoutCache,
        attempts: 1,
        retries: [],
        durationMs: 0,
      };
      if (options.ledgerFile) appendLedger(options.ledgerFile, ledgerRow(run, options.ledgerCommand ?? "send", part));
      const outcome = await finishFile(run, file, { first: part, startedAt, batchJob: reply.job });
      if (outcome.result) written.push(outcome.result);
    }
    const results = [...readSendMetas(runDir).values()].map((meta) => resultFromMeta(run, meta, false));
    const summaryFile = path.join(runDir, SUMMARY_FILE);
    const summary = buildSummary({
      via: "batch",
      model: plan.model,
      issueReportFile: plan.issue_report_file,
      outputDir: displayPath(options.projectRoot, runDir),
      summaryFile: displayPath(options.projectRoot, summaryFile),
      logFile: displayPath(options.projectRoot, events.file),
      results,
      notSent: [],
      stop: null,
      cache: null,
      maxCost: null,
      spent: 0,
      batchJob: null,
      startedAt: clock.now(),
      finishedAt: clock.now(),
    });
    writeJson(summaryFile, summary);
  } finally {
    events.close();
  }
  return written;
}
