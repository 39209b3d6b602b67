import path from "node:path";
import { escapeForTerminal, toCliError } from "@gembatch/core";
import { runExtract } from "@gembatch/extract";
import { readFlaggedFile, tokenLimitFor, writeReportsForFindings } from "@gembatch/report";
import { scanText, type CompiledRule, type Finding } from "@gembatch/scan";
import { runSend } from "@gembatch/send";
import { viewFromContext } from "../candidates.js";
import { newSpend, type CostTracker } from "../costs.js";
import { shownPath } from "../paths.js";
import { runApply } from "../run-apply.js";
import { shortEvidence } from "../verify/evidence/verify-evidence.js";
import type { StopReason } from "../state.js";
import type { ApplyDeps } from "../types.js";
import type { RuleEntry } from "./fix-state.js";
import type { ScanAndFixOptions } from "./types.js";

export interface RuleStepContext {
  options: ScanAndFixOptions;
  fixDir: string;
  rules: Map<string, CompiledRule>;
  deps: ApplyDeps;
  costs: CostTracker;
  save(): Promise<void>;
  warn: (message: string) => void;
}

/** A file that cannot be sent is taken out of the rule on its own, with its reason, and not fixed. */
function setAside(
  ctx: RuleStepContext,
  entry: RuleEntry,
  file: string,
  reason: string,
  options: { warned?: boolean } = {},
): void {
  entry.set_aside[file] = reason;
  entry.outcomes[file] = "failed";
  entry.attempts[file] = 0;
  entry.files = entry.files.filter((f) => f !== file);
  if (!options.warned) ctx.warn(escapeForTerminal(`${file}: set aside, not sent for ${entry.rule}: ${reason}`));
}

/**
 * The rule's findings in its files as they are now (an earlier rule's fix may have moved or removed
 * them). Each file is read through the project guard and must be UTF-8 text; one that is not is set
 * aside, so the rule's other files still go out.
 */
export function currentFindings(ctx: RuleStepContext, entry: RuleEntry): Finding[] {
  const rule = ctx.rules.get(entry.rule)!;
  const findings: Finding[] = [];
  for (const file of [...entry.files]) {
    const read = readFlaggedFile(ctx.options.projectRoot, file);
    if ("problem" in read) {
      setAside(ctx, entry, file, read.problem);
      continue;
    }
    const text = "text" in read ? read.text : "";
    findings.push(
      ...scanText(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, [rule], { contextLines: 2 }).findings,
    );
  }
  return findings;
}

/** Write the rule's issue report into `<fix dir>/issues/`; false when it cannot be written (too large, …). */
export async function writeRuleReport(ctx: RuleStepContext, entry: RuleEntry, findings: Finding[]): Promise<boolean> {
  const { options } = ctx;
  const root = options.projectRoot;
  const rule = ctx.rules.get(entry.rule)!;
  const tokenLimit = tokenLimitFor({
    model: options.settings.model,
    pricing: ctx.deps.pricing,
    ...(options.maxContextTokens ? { maxContextTokens: options.maxContextTokens } : {}),
    warn: ctx.warn,
  });
  const [summary] = await writeReportsForFindings({
    root,
    issuesDir: path.join(ctx.fixDir, "issues"),
    findings,
    rules: [rule],
    project: path.basename(root),
    tokenLimit,
    includeImports: options.includeImports ?? false,
    cwd: root,
    warn: ctx.warn,
  });
  // A file that became unsendable since it was read is left out of the report; it is set aside here too.
  for (const { file, reason } of summary?.set_aside ?? [])
    if (entry.files.includes(file)) setAside(ctx, entry, file, reason, { warned: true });
  if (entry.files.length === 0) {
    entry.phase = "applied";
    return false;
  }
  if (!summary?.success) {
    entry.phase = "failed";
    entry.error = summary?.error?.message ?? "the issue report could not be written";
    for (const file of entry.files) entry.outcomes[file] = "failed";
    return false;
  }
  entry.report_file = summary.report_file ?? null;
  return true;
}

/**
 * One rule, resumably: its report (from the findings as they are now), the send, the extraction, and
 * apply with the two-attempt rule. Returns a stop reason when the whole run must end.
 */
export async function runRuleStep(
  ctx: RuleStepContext,
  entry: RuleEntry,
  step: { only?: ReadonlySet<string> } = {},
): Promise<{ stop?: StopReason }> {
  const { options } = ctx;
  const root = options.projectRoot;
  const signal = ctx.deps.signal;
  if (entry.phase === "pending") {
    const findings = currentFindings(ctx, entry);
    const still = new Set(findings.map((f) => f.file));
    for (const file of entry.files.filter((f) => !still.has(f))) entry.outcomes[file] = "fixed";
    entry.files = entry.files.filter((f) => still.has(f));
    if (entry.files.length === 0) entry.phase = "applied";
    else if (await writeRuleReport(ctx, entry, findings)) entry.phase = "reported";
    await ctx.save();
  }
  const runDir = path.join(ctx.fixDir, "runs", entry.issue);
  entry.run_dir = shownPath(root, runDir);
  // Files an earlier (stopped) pass already applied are done; only the others go out again.
  // `only`: the files whose batch replies are in (the others wait for theirs).
  let files = entry.files.filter((file) => entry.outcomes[file] === undefined && (!step.only || step.only.has(file)));
  let budgetStop = false;
  if (entry.phase === "reported") {
    const remaining = ctx.costs.remaining();
    const sent = await runSend(
      {
        issueReportFile: path.resolve(root, entry.report_file!),
        filesToFix: files,
        model: options.settings.model,
        settings: { ...options.settings, maxCost: remaining ?? null },
        outputDir: runDir,
        resume: true,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        cwd: root,
        projectRoot: root,
        tmpDir: options.tmpDir,
      },
      { ...ctx.deps, ...(signal ? { signal } : {}), warn: ctx.warn },
    );
    ctx.costs.add(`send:${shownPath(root, runDir)}`, newSpend(sent));
    if (sent.stopped && sent.stopped !== "budget") return { stop: sent.stopped };
    // At the budget cap, the replies already paid for are still applied; the rest waits for a resume.
    budgetStop = sent.stopped === "budget";
    // The summary covers the whole run directory; only this pass's files are applied now.
    if (budgetStop)
      files = sent.results
        .filter((r) => files.includes(r.file_to_fix) && r.response_file !== null)
        .map((r) => r.file_to_fix);
    else entry.phase = "sent";
    await ctx.save();
    if (budgetStop && files.length === 0) return { stop: "budget" };
  }
  if (entry.phase !== "sent" && !budgetStop) return {};
  const extractedDir = path.join(runDir, "extracted");
  let context: Parameters<typeof viewFromContext>[0] = { files: [], refused: [] };
  try {
    context = await runExtract(
      { markdownFile: runDir, cwd: root, projectRoot: root, tmpDir: options.tmpDir, outputDir: extractedDir, files },
      { ...(signal ? { signal } : {}) },
    );
  } catch (error) {
    if (signal?.aborted) return { stop: "interrupted" };
    ctx.warn(`${entry.run_dir}: nothing to extract (${toCliError(error).message})`);
  }
  const view = viewFromContext(context, { extractedDir, bases: [root], sendRunDir: runDir });
  const applied = await runApply(
    {
      cwd: root,
      projectRoot: root,
      tmpDir: options.tmpDir,
      runDir,
      files,
      view,
      verify: options.verify,
      verifyTimeoutMs: options.verifyTimeoutMs,
      issueReportFile: path.resolve(root, entry.report_file!),
      rules: [entry.rule],
      scanConfig: options.scanConfig,
      maxAttempts: options.maxAttempts,
      diffOnly: false,
      resume: false,
      continueExisting: true,
      escalate: options.escalate,
      escalationModel: options.escalationModel,
      commit: options.commit,
      allowDirty: true,
      settings: options.settings,
      ...(options.maxCost === undefined ? {} : { maxCost: options.maxCost }),
    },
    { ...ctx.deps, costs: ctx.costs },
  );
  for (const file of applied.files) {
    if (file.status !== "pending") entry.outcomes[file.path] = file.status === "diff_only" ? "unchanged" : file.status;
    entry.attempts[file.path] = file.attempts;
    if (file.status === "fixed" && file.patch_file) entry.patches[file.path] = file.patch_file;
    const evidence = file.status === "failed" ? shortEvidence(file.verify.new_failures, file.path) : "";
    if (evidence) entry.evidence[file.path] = evidence;
    else delete entry.evidence[file.path];
  }
  entry.failure_report = applied.failure_report;
  entry.escalation_file = applied.escalation_file ?? null;
  // Retries waiting in a batch job: the rule stays open for their replies, the run goes on with the others.
  if (applied.stopped === "pending" && !budgetStop) {
    await ctx.save();
    return {};
  }
  if (applied.stopped || budgetStop) {
    await ctx.save();
    return { stop: applied.stopped ?? "budget" };
  }
  entry.phase = "applied";
  await ctx.save();
  return {};
}
