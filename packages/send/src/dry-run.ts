import path from "node:path";
import {
  estimateRequestCost,
  estimateTokens,
  REPLY_MARGIN,
  roundUsd,
  tooLargeFor,
  type GenerationSettings,
  type Pricing,
} from "@gembatch/core";
import type { PlannedFile } from "./inputs.js";
import { buildRequest, requestText } from "./prompt.js";
import { renderRequestFile } from "./request-file.js";
import { DRY_RUN_FILE, displayPath, writeFileAtomic, writeJson } from "./run-dir.js";
import type { DryRunFile, SendResult, Via } from "./types.js";

interface DryRunInput {
  runDir: string;
  projectRoot: string;
  files: PlannedFile[];
  report: string;
  model: string;
  via: Via;
  /** The reply limit a real run would send (sized from the files that fit). */
  maxTokens: number;
  settings: GenerationSettings;
  maxCost: number | null;
  pricing: Pricing;
  at: number;
  cachePlanned: boolean;
  issueReportFile: string;
  warn(message: string): void;
}

function total(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : roundUsd(values.reduce<number>((sum, v) => sum + (v ?? 0), 0));
}

/**
 * Write every request exactly as it would be sent (without an explicit cache, whose name does not
 * exist yet) and what the run could cost: the worst case (every reply uses max_tokens) and the expected
 * figure (a reply the size of the file, thinking left out). A file too large for one reply is reported with
 * its figures and left out of both, as a real run would skip it. Nothing reaches the API.
 */
export function dryRun(input: DryRunInput): SendResult {
  const shown = (name: string) => displayPath(input.projectRoot, path.join(input.runDir, name));
  const planned: DryRunFile[] = input.files.map((file) => {
    const { settings } = input;
    const request = buildRequest({
      report: input.report,
      instructions: file.instructions,
      maxTokens: input.maxTokens,
      ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
      ...(settings.thinking ? { thinking: settings.thinking } : {}),
    });
    writeFileAtomic(
      path.join(input.runDir, file.names.request),
      renderRequestFile(request, {
        file: file.file,
        model: input.model,
        sha256: file.sha256,
        fence: file.fence,
        via: input.via,
      }),
    );
    const promptTokens = estimateTokens(requestText(request));
    const fileTokens = estimateTokens(file.content);
    const tooLarge = tooLargeFor(fileTokens, settings, input.pricing);
    const estimate = (outputTokens: number) =>
      tooLarge
        ? 0
        : estimateRequestCost(
            { model: input.model, promptTokens, maxTokens: outputTokens, batch: input.via === "batch", at: input.at },
            input.pricing,
          );
    return {
      n: file.n,
      file_to_fix: file.file,
      request_file: shown(file.names.request),
      sha256_sent: file.sha256,
      fence: file.fence,
      estimated_prompt_tokens: promptTokens,
      estimated_file_tokens: fileTokens,
      estimated_cost: estimate(input.maxTokens),
      // Typical replies are the file again: thinking is left out here, it may add up to the headroom in max_tokens.
      estimated_cost_expected: estimate(Math.min(input.maxTokens, Math.ceil(fileTokens * REPLY_MARGIN))),
      too_large: tooLarge,
    };
  });
  for (const p of planned.filter((entry) => entry.too_large)) {
    const f = p.too_large!;
    input.warn(
      `${p.file_to_fix}: too large for one reply from ${input.model} (~${f.estimated_output_tokens} output tokens needed, limit ${f.output_limit}); a real run skips it as too_large`,
    );
  }
  const unknown = planned.some((p) => p.estimated_cost === null);
  const estimated = total(planned.map((p) => p.estimated_cost));
  const expected = total(planned.map((p) => p.estimated_cost_expected));
  if (unknown) input.warn(`no price known for model "${input.model}": the estimate is incomplete`);
  if (estimated !== null && input.maxCost !== null && estimated > input.maxCost) {
    input.warn(
      `the worst-case estimate ($${estimated.toFixed(4)}) is above max_cost ($${input.maxCost}): a real run stops before the request that would cross it, counting each reply at max_tokens`,
    );
  }
  const now = new Date(input.at).toISOString();
  const result: SendResult = {
    success: true,
    files_processed: 0,
    files_succeeded: 0,
    total_cost: 0,
    average_cost_per_file: 0,
    results: [],
    dry_run: true,
    via: input.via,
    model: input.model,
    issue_report_file: input.issueReportFile,
    output_dir: displayPath(input.projectRoot, input.runDir),
    summary_file: shown(DRY_RUN_FILE),
    log_file: null,
    files_failed: 0,
    files_truncated: 0,
    files_resumed: 0,
    cost_complete: !unknown,
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_tokens: 0, thinking_tokens: 0 },
    not_sent: [],
    stopped: null,
    error: null,
    cache: null,
    budget: input.maxCost === null ? null : { max_cost: input.maxCost, spent: 0 },
    batch_job: null,
    max_tokens: input.maxTokens,
    thinking: input.settings.thinking,
    estimated_cost: estimated,
    estimated_cost_expected: expected,
    cache_planned: input.cachePlanned,
    planned,
    started_at: now,
    finished_at: now,
    duration_ms: 0,
  };
  writeJson(path.join(input.runDir, DRY_RUN_FILE), result);
  return result;
}
