import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  estimateTokens,
  raisedMaxTokens,
  readProjectFile,
  sizeMaxTokens,
  toCliError,
  writeFileAtomically,
  type GenerationSettings,
} from "@gembatch/core";
import { runExtract } from "@gembatch/extract";
import type { ParsedReport } from "@gembatch/report";
import { DETACHED_PLAN_FILE, prepareBatchRequests, runSend } from "@gembatch/send";
import { readSendMetas } from "@gembatch/send/run-files";
import { viewFromContext, type Candidate } from "./candidates.js";
import { newSpend, type CostTracker } from "./costs.js";
import { fileKey, shownPath } from "./paths.js";
import { renderRetryReport } from "./retry-report.js";
import { readInside } from "./run-files.js";
import type { AttemptRecord, StopReason } from "./state.js";
import type { DeferredRetry, ModelSettings, SendingDeps } from "./types.js";

export interface RetryContext {
  projectRoot: string;
  tmpDir: string;
  runDir: string;
  report: ParsedReport;
  settings: ModelSettings;
  maxAttempts: number;
  deps: SendingDeps;
  costs: CostTracker;
  signal?: AbortSignal;
  warn: (message: string) => void;
  deferRetry?: (retry: DeferredRetry) => void;
}

/**
 * The settings for attempt k: when the previous reply was cut off at MAX_TOKENS, the reply limit is
 * raised (twice the one it hit, within the model's output limit) instead of paying again for the same cut.
 */
function retrySettings(
  ctx: Pick<RetryContext, "settings" | "projectRoot" | "deps" | "warn">,
  input: { file: string; previous: AttemptRecord; currentTokens: number },
): GenerationSettings {
  const sendDir = input.previous.send_run_dir;
  const meta = sendDir ? readSendMetas(path.resolve(ctx.projectRoot, sendDir)).get(input.file) : undefined;
  if (meta?.finish_reason !== "MAX_TOKENS") return ctx.settings;
  const used = meta.max_tokens ?? sizeMaxTokens(ctx.settings, input.currentTokens, ctx.deps.pricing);
  const raised = raisedMaxTokens(used, ctx.settings.model, ctx.deps.pricing);
  if (raised === null) {
    ctx.warn(
      `${input.file}: the reply hit MAX_TOKENS at ${used}, the output limit of ${ctx.settings.model}; the retry cannot be given more`,
    );
    return ctx.settings;
  }
  return { ...ctx.settings, maxTokens: raised };
}

type RetryOutcome =
  { candidate: Candidate; sendRunDir: string } | { stop: StopReason; error: string } | { deferred: true };

function attemptDir(runDir: string, attempt: number, n: number, file: string): string {
  return path.join(runDir, `attempt_${attempt}`, fileKey(n, file));
}

/**
 * Attempt k after a failure: a retry report (the original issue, the change that failed, the trimmed
 * error), sent through @gembatch/send into `attempt_<k>/<n>_<stem>/`, and the reply extracted there.
 * Resumable: a report already written is reused and an answered request is not sent again.
 */
export async function retryFile(
  ctx: RetryContext,
  input: { file: string; n: number; attempt: number; previous: AttemptRecord; errorDetails: string },
): Promise<RetryOutcome> {
  const dir = attemptDir(ctx.runDir, input.attempt, input.n, input.file);
  const reportFile = path.join(dir, "issue_report.md");
  const current = readProjectFile(ctx.projectRoot, input.file, { field: "path" }).bytes.toString("utf8");
  const settings = retrySettings(ctx, {
    file: input.file,
    previous: input.previous,
    currentTokens: estimateTokens(current),
  });
  if (!existsSync(reportFile)) {
    const patch = readInside(input.previous.patch_file, { projectRoot: ctx.projectRoot, within: [ctx.runDir] });
    const text = renderRetryReport({
      original: ctx.report,
      file: input.file,
      current,
      attempt: input.attempt,
      maxAttempts: ctx.maxAttempts,
      error: input.previous.error ?? "it failed",
      details: input.errorDetails,
      patch,
    });
    await mkdir(dir, { recursive: true });
    await writeFileAtomically(reportFile, text);
  }
  const sendOptions = {
    issueReportFile: reportFile,
    filesToFix: [input.file],
    model: settings.model,
    settings: { ...settings, maxCost: ctx.costs.remaining() ?? null },
    outputDir: dir,
    resume: true,
    cache: false,
    cwd: ctx.projectRoot,
    projectRoot: ctx.projectRoot,
    tmpDir: ctx.tmpDir,
  };
  let failure: string | null = null;
  // A batch retry's reply, recorded here when its job ended: used as a sync reply would be.
  const meta = existsSync(path.join(dir, DETACHED_PLAN_FILE)) ? readSendMetas(dir).get(input.file) : undefined;
  if (meta) {
    if (meta.success === false) failure = meta.error ?? "the retry request failed";
  } else if (ctx.deferRetry) {
    const prepared = prepareBatchRequests(sendOptions, {
      ...(ctx.deps.pricing ? { pricing: ctx.deps.pricing } : {}),
      warn: ctx.warn,
    });
    const request = prepared.requests[0];
    if (!request)
      return {
        candidate: {
          path: input.file,
          refusal: { code: "send_failed", reason: "the retry request is too large for one reply" },
        },
        sendRunDir: dir,
      };
    ctx.deferRetry({
      file: input.file,
      n: input.n,
      attempt: input.attempt,
      dir,
      request: request.request,
      estimatedPromptTokens: request.estimated_prompt_tokens,
      maxTokens: prepared.maxTokens,
    });
    return { deferred: true };
  } else {
    const sent = await runSend(sendOptions, {
      ...ctx.deps,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      warn: ctx.warn,
    });
    ctx.costs.add(`send:${shownPath(ctx.projectRoot, dir)}`, newSpend(sent));
    if (sent.stopped) return { stop: sent.stopped, error: sent.error?.message ?? `retry not sent: ${sent.stopped}` };
    const row = sent.results.find((r) => r.file_to_fix === input.file);
    if (!row?.response_file) failure = row?.error ?? "the retry request failed";
  }
  if (failure !== null)
    return { candidate: { path: input.file, refusal: { code: "send_failed", reason: failure } }, sendRunDir: dir };
  try {
    const extracted = await runExtract(
      {
        markdownFile: dir,
        cwd: ctx.projectRoot,
        projectRoot: ctx.projectRoot,
        tmpDir: ctx.tmpDir,
        outputDir: path.join(dir, "extracted"),
        files: [input.file],
      },
      { ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
    const view = viewFromContext(extracted, {
      extractedDir: path.join(dir, "extracted"),
      bases: [ctx.projectRoot],
      sendRunDir: dir,
    });
    const candidate = view.candidates.get(input.file) ?? {
      path: input.file,
      refusal: { code: "missing_file", reason: "the retry reply has no block for the file" },
    };
    return { candidate, sendRunDir: dir };
  } catch (error) {
    if (ctx.signal?.aborted) return { stop: "interrupted", error: "interrupted" };
    return {
      candidate: { path: input.file, refusal: { code: "extract_failed", reason: toCliError(error).message } },
      sendRunDir: dir,
    };
  }
}
