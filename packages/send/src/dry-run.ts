import path from "node:path";
import { estimateTokens, roundUsd, type Pricing } from "@gembatch/core";
import { estimateRequestCost } from "./budget.js";
import type { PlannedFile } from "./inputs.js";
import { buildRequest, requestText } from "./prompt.js";
import { renderRequestFile } from "./request-file.js";
import { DRY_RUN_FILE, displayPath, writeFileAtomic, writeJson } from "./run-dir.js";
import type { DryRunFile, SendResult, Via } from "./types.js";

export interface DryRunInput {
  runDir: string;
  projectRoot: string;
  files: PlannedFile[];
  report: string;
  model: string;
  via: Via;
  maxTokens: number;
  temperature: number | undefined;
  maxCost: number | null;
  pricing: Pricing;
  at: number;
  cachePlanned: boolean;
  issueReportFile: string;
  warn(message: string): void;
}

/**
 * Write every request exactly as it would be sent (without an explicit cache, whose name does not
 * exist yet) and the most the run could cost; nothing reaches the API.
 */
export function dryRun(input: DryRunInput): SendResult {
  const shown = (name: string) => displayPath(input.projectRoot, path.join(input.runDir, name));
  const planned: DryRunFile[] = input.files.map((file) => {
    const request = buildRequest({
      report: input.report,
      instructions: file.instructions,
      maxTokens: input.maxTokens,
      ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
    });
    writeFileAtomic(path.join(input.runDir, file.names.request), renderRequestFile(request, { file: file.file, model: input.model, sha256: file.sha256, fence: file.fence, via: input.via }));
    const promptTokens = estimateTokens(requestText(request));
    return {
      n: file.n,
      file_to_fix: file.file,
      request_file: shown(file.names.request),
      sha256_sent: file.sha256,
      fence: file.fence,
      estimated_prompt_tokens: promptTokens,
      estimated_cost: estimateRequestCost({ model: input.model, promptTokens, maxTokens: input.maxTokens, batch: input.via === "batch", at: input.at }, input.pricing),
    };
  });
  const unknown = planned.some((p) => p.estimated_cost === null);
  const estimated = unknown ? null : roundUsd(planned.reduce((sum, p) => sum + (p.estimated_cost ?? 0), 0));
  if (unknown) input.warn(`no price known for model "${input.model}": the estimate is incomplete`);
  if (estimated !== null && input.maxCost !== null && estimated > input.maxCost) {
    input.warn(`the estimate ($${estimated.toFixed(4)}) is above max_cost ($${input.maxCost}): a real run would stop before the request that crosses it`);
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
    estimated_cost: estimated,
    cache_planned: input.cachePlanned,
    planned,
    started_at: now,
    finished_at: now,
    duration_ms: 0,
  };
  writeJson(path.join(input.runDir, DRY_RUN_FILE), result);
  return result;
}
