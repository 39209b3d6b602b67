import path from "node:path";
import { defaultPricing, escapeForTerminal, estimateRequestCost, roundUsd } from "@gembatch/core";
import { prepareBatchRequests } from "@gembatch/send";
import { shownPath } from "../paths.js";
import {
  BATCH_LIMITS,
  openSubmit,
  submitInputs,
  writeInputFiles,
  type BatchDeps,
  type BatchRow,
} from "./batch-jobs.js";
import { BATCH_WORK_DIR, INPUTS_DIR, type BatchSection } from "./batch-state.js";
import type { FixState } from "./fix-state.js";
import { currentFindings, writeRuleReport, type RuleStepContext } from "./rule-step.js";

/**
 * `--via batch`, first pass: one report per rule (as the sync path writes it), every request as a
 * batch row keyed by rule and file, the rows in JSONL input files split at the API's limits, and the
 * files submitted through submit's machinery. The run directory then holds all a later resume needs.
 */
export async function submitBatchRun(
  ctx: RuleStepContext,
  state: FixState,
  deps: BatchDeps,
): Promise<{ stop?: "budget" }> {
  const root = ctx.options.projectRoot;
  const workDir = path.join(ctx.fixDir, BATCH_WORK_DIR);
  const batch: BatchSection = state.batch ?? {
    work_dir: BATCH_WORK_DIR,
    display_prefix: `gembatch-fix-${path.basename(ctx.fixDir)}`.replace(/[^A-Za-z0-9._-]/g, "-"),
    model: ctx.options.settings.model,
    keys: {},
    collected: [],
    missing: [],
    deferred: {},
    resubmits: 0,
    retry_via: ctx.options.retryVia ?? "sync",
  };
  if (!state.batch) {
    const claimed = new Map<string, string>();
    const rows: BatchRow[] = [];
    let worstCase = 0;
    for (const entry of state.rules) {
      for (const file of entry.files.filter((f) => claimed.has(f))) {
        // Its request would be built from the file before the earlier rule's fix, and apply would refuse it then.
        batch.deferred[file] = entry.rule;
        ctx.warn(
          escapeForTerminal(
            `${file}: flagged by ${claimed.get(file)} and ${entry.rule}; batched for ${claimed.get(file)} only (run scan-and-fix again for ${entry.rule})`,
          ),
        );
      }
      entry.files = entry.files.filter((f) => !claimed.has(f));
      const findings = currentFindings(ctx, entry);
      const still = new Set(findings.map((f) => f.file));
      for (const file of entry.files.filter((f) => !still.has(f))) entry.outcomes[file] = "fixed";
      entry.files = entry.files.filter((f) => still.has(f));
      if (entry.files.length === 0) {
        entry.phase = "applied";
        continue;
      }
      if (!(await writeRuleReport(ctx, entry, findings))) continue;
      entry.phase = "reported";
      const runDir = path.join(ctx.fixDir, "runs", entry.issue);
      entry.run_dir = shownPath(root, runDir);
      const prepared = prepareBatchRequests(
        {
          issueReportFile: path.resolve(root, entry.report_file!),
          filesToFix: entry.files,
          model: ctx.options.settings.model,
          settings: ctx.options.settings,
          outputDir: runDir,
          cwd: root,
          projectRoot: root,
          tmpDir: ctx.options.tmpDir,
        },
        { ...(ctx.deps.pricing ? { pricing: ctx.deps.pricing } : {}), warn: ctx.warn },
      );
      for (const skipped of prepared.notSent) {
        entry.set_aside[skipped.file_to_fix] = "too large for one reply";
        entry.outcomes[skipped.file_to_fix] = "failed";
        entry.attempts[skipped.file_to_fix] = 0;
        entry.files = entry.files.filter((f) => f !== skipped.file_to_fix);
      }
      const at = ctx.deps.clock?.now() ?? Date.now();
      for (const request of prepared.requests) {
        worstCase +=
          estimateRequestCost(
            {
              model: ctx.options.settings.model,
              promptTokens: request.estimated_prompt_tokens,
              maxTokens: prepared.maxTokens,
              batch: true,
              at,
            },
            ctx.deps.pricing ?? defaultPricing,
          ) ?? 0;
        const key = `${entry.issue}:${request.n}`;
        batch.keys[key] = { rule: entry.rule, file: request.file };
        claimed.set(request.file, entry.rule);
        rows.push({ key, request: request.request });
      }
    }
    const remaining = ctx.costs.remaining();
    if (remaining !== undefined && worstCase > remaining) {
      // A job is paid for whole once created, so the cap is checked on all of it before anything leaves.
      ctx.warn(
        `the batch's worst case ($${roundUsd(worstCase)}: every reply at max_tokens, batch rates) is above what max_cost leaves ($${remaining}); nothing submitted (raise --max-cost or lower --max-files, then --resume)`,
      );
      return { stop: "budget" };
    }
    writeInputFiles(path.join(workDir, INPUTS_DIR), rows, {
      maxBytes: ctx.options.batchMaxBytes ?? BATCH_LIMITS.maxBytes,
      maxRequests: ctx.options.batchMaxRequests ?? BATCH_LIMITS.maxRequests,
    });
    state.batch = batch;
    // On disk before anything is uploaded: a crash from here on is resumed from the run directory.
    await ctx.save();
  }
  if (Object.keys(batch.keys).length === 0) return {};
  const { submit, close } = await openSubmit(ctx, deps, workDir);
  try {
    const result = await submitInputs(ctx, submit, batch, workDir);
    for (const outcome of result.outcomes.filter((o) => o.outcome === "failed"))
      ctx.warn(
        `batch ${outcome.batch} (${outcome.file}) was not created: ${outcome.error ?? "unknown error"}; a --resume tries it again`,
      );
  } finally {
    await close();
  }
  return {};
}
