import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  CliError,
  createStateStore,
  createUniqueDir,
  localStamp,
  systemClock,
  writeFileAtomically,
} from "@gembatch/core";
import { processFile, type FileRunContext } from "./apply-file.js";
import { rollback } from "./attempt.js";
import { loadChecker, loadIssueReport, projectFiles, resolveView, type InputPaths } from "./apply-inputs.js";
import { buildApplyResult } from "./apply-result.js";
import type { ExtractionView } from "./candidates.js";
import { createCostTracker } from "./costs.js";
import { escalate } from "./escalate.js";
import { renderFailureReport } from "./failure-report.js";
import { checkGitTree, switchBranch } from "./git.js";
import { shownPath } from "./paths.js";
import { withProjectSession } from "./project-session.js";
import {
  APPLY_STATE_FILE,
  APPLY_STATE_VERSION,
  ApplyStateSchema,
  newFileState,
  type ApplyState,
  type StopReason,
} from "./state.js";
import type { ApplyDeps, ApplyResult, ModelSettings } from "./types.js";
import { createVerifier } from "./verify/verifier.js";

const FAILURE_REPORT_FILE = "FAILURE_REPORT.md";
const APPLY_SUMMARY_FILE = "APPLY_SUMMARY.json";

/**
 * Paths as in InputPaths: extractedDir is extract's output; runDir the send run, where apply keeps its state, backups,
 * patches and reports; files default to every file of the extraction.
 */
export interface ApplyOptions extends InputPaths {
  verify: string[];
  verifyTimeoutMs: number;
  issueReportFile?: string;
  /** Rules to re-scan with (default: the rule a scan-written report names). */
  rules?: string[];
  /** The `scan` section of gembatch.config.json (custom rules). */
  scanConfig?: unknown;
  maxAttempts: number;
  diffOnly: boolean;
  resume: boolean;
  /** Continue an existing state without --resume, start one otherwise (scan-and-fix). */
  continueExisting?: boolean;
  escalate: boolean;
  escalationModel: string;
  commit: boolean;
  allowDirty: boolean;
  branch?: string;
  settings: ModelSettings;
  maxCost?: number;
  /** An extraction already made (scan-and-fix). */
  view?: ExtractionView;
}

function orderedFiles(view: ExtractionView, wanted: string[] | undefined): Array<{ path: string; n: number }> {
  const paths =
    wanted ??
    [...view.candidates.keys()].sort(
      (a, b) => (view.candidates.get(a)!.n ?? 0) - (view.candidates.get(b)!.n ?? 0) || a.localeCompare(b),
    );
  const used = new Set<number>();
  return paths.map((file, i) => {
    let n = view.candidates.get(file)?.n ?? i + 1;
    while (used.has(n)) n += 1;
    used.add(n);
    return { path: file, n };
  });
}

/**
 * Steps 5–6 of the fix loop for the files of one extraction: diff, apply and verify each, retry once
 * with the error, and write the failure report (and its escalation) for what still fails. Never prints
 * or exits; resumable from `<run_dir>/apply_state.json`.
 */
async function runApplyLocked(options: ApplyOptions, deps: ApplyDeps): Promise<ApplyResult> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    deps.warn?.(message);
  };
  const info = (message: string) => deps.info?.(message);
  const root = options.projectRoot;
  const show = (absolute: string) => shownPath(root, absolute);
  const view = await resolveView({ ...options, ...(deps.signal ? { signal: deps.signal } : {}) });
  const clock = deps.clock ?? systemClock;
  const runDir = options.runDir
    ? path.resolve(options.cwd, options.runDir)
    : (view.sendRunDir ?? createUniqueDir(options.tmpDir, `gembatch_apply_${localStamp(new Date(clock.now()))}`));
  mkdirSync(runDir, { recursive: true });
  const store = createStateStore({
    file: path.join(runDir, APPLY_STATE_FILE),
    schema: ApplyStateSchema,
    version: APPLY_STATE_VERSION,
    command: "gembatch apply",
  });
  await store.lock();
  try {
    let state = await store.load();
    // A preview changed nothing in the project, so it neither blocks nor shapes the run that follows it.
    if (state?.options.diff_only === true) state = undefined;
    if (state && !options.resume && !options.continueExisting) {
      throw new CliError("BAD_INPUT", `run_dir: ${show(runDir)} already has an apply run (${APPLY_STATE_FILE})`, {
        hint: "pass --resume to continue it; its results stay in the state file",
      });
    }
    const resuming = state !== undefined;
    if (!state) {
      const wanted = options.files ? projectFiles(options) : undefined;
      const now = new Date(clock.now()).toISOString();
      state = {
        created_at: now,
        updated_at: now,
        finished: false,
        stopped: null,
        extracted_dir: view.extractedDir ? show(view.extractedDir) : null,
        options: {
          diff_only: options.diffOnly,
          max_attempts: options.maxAttempts,
          verify: options.verify,
          rules: options.rules ?? null,
          commit: options.commit,
        },
        files: orderedFiles(view, wanted).map((f) => newFileState(f.path, f.n, options.rules ?? [])),
        costs: {},
        failure_report: null,
        escalation_file: null,
      } satisfies ApplyState;
    }
    const live: ApplyState = state;
    if (resuming && options.files) {
      // A caller that continues a run may bring files the first call did not have (the rest of a send).
      const known = new Set(live.files.map((f) => f.path));
      const added = orderedFiles(
        view,
        projectFiles(options).filter((f) => !known.has(f)),
      );
      const used = new Set(live.files.map((f) => f.n));
      for (const file of added) {
        let n = file.n;
        while (used.has(n)) n += 1;
        used.add(n);
        live.files.push(newFileState(file.path, n, options.rules ?? []));
      }
    }
    const costs = deps.costs ?? createCostTracker(options.maxCost ?? null, live.costs);
    const save = async () => {
      live.updated_at = new Date(clock.now()).toISOString();
      if (!deps.costs) live.costs = costs.entries();
      await store.save(live);
    };
    // Everything that can refuse the run does so before the first state is written.
    const { report } = loadIssueReport({
      cwd: options.cwd,
      projectRoot: root,
      ...(options.issueReportFile ? { issueReportFile: options.issueReportFile } : {}),
      sendRunDir: view.sendRunDir,
      warn,
    });
    const checker = loadChecker({
      projectRoot: root,
      scanConfig: options.scanConfig,
      ...(options.rules ? { rules: options.rules } : {}),
      report,
      warn,
    });
    for (const file of live.files) if (file.rules.length === 0 && checker) file.rules = [...checker.rules];
    if (options.commit && !resuming) await checkGitTree({ cwd: root, allowDirty: options.allowDirty });
    if (options.branch && !options.diffOnly) await switchBranch(root, options.branch);
    await save();
    if (options.verify.length === 0 && !options.diffOnly)
      warn("no verify command (verify, or `verify` in gembatch.config.json): fixes are checked only by re-scanning");
    const verifier = createVerifier({
      commands: options.verify,
      timeoutMs: options.verifyTimeoutMs,
      cwd: root,
      logDir: path.join(runDir, "verify"),
      show,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.killGraceMs === undefined ? {} : { killGraceMs: deps.killGraceMs }),
    });
    const ctx: FileRunContext = {
      projectRoot: root,
      runDir,
      verifier,
      checker,
      diffOnly: options.diffOnly,
      ...(deps.signal ? { signal: deps.signal } : {}),
      show,
      save,
      warn,
      info,
      maxAttempts: options.diffOnly ? 1 : options.maxAttempts,
      firstSendRunDir: view.sendRunDir,
      commit: options.commit && !options.diffOnly ? { verify: options.verify, issue: report?.issue ?? null } : null,
      retry: report
        ? {
            projectRoot: root,
            tmpDir: options.tmpDir,
            runDir,
            report,
            settings: options.settings,
            maxAttempts: options.maxAttempts,
            deps,
            costs,
            ...(deps.signal ? { signal: deps.signal } : {}),
            ...(deps.deferRetry ? { deferRetry: deps.deferRetry } : {}),
            warn,
          }
        : null,
    };
    let stop: StopReason | undefined;
    let deferred = 0;
    for (const file of live.files) {
      if (file.status !== "pending") continue;
      const candidate = view.candidates.get(file.path) ?? {
        path: file.path,
        refusal: { code: "missing_file", reason: "the extraction has nothing for this file" },
      };
      info(`${file.path}: attempt ${file.attempt}`);
      try {
        const processed = await processFile(ctx, file, candidate);
        stop = processed.stop;
        if (processed.deferred) deferred += 1;
      } catch (error) {
        // Whatever went wrong, a candidate that was never confirmed does not stay in the project.
        if (file.phase === "written") await rollback(ctx, file);
        throw error;
      }
      if (stop) break;
    }
    // Retries waiting in a batch job: the failure report and escalation come when their replies do.
    if (!stop && deferred > 0) stop = "pending";
    live.stopped = stop ?? null;
    const failed = live.files.filter((f) => f.status === "failed");
    if (failed.length > 0) {
      const within = [root, runDir, ...(view.extractedDir ? [view.extractedDir] : [])];
      const text = renderFailureReport({
        projectRoot: root,
        within,
        maxAttempts: options.maxAttempts,
        files: live.files,
        report,
        fixHints: checker?.fixHints ?? {},
      });
      const reportPath = path.join(runDir, FAILURE_REPORT_FILE);
      await writeFileAtomically(reportPath, text);
      live.failure_report = show(reportPath);
      if (options.escalate && !stop && !live.escalation_file) {
        info(`escalating ${failed.length} failure(s) to ${options.escalationModel}`);
        const outcome = await escalate({
          reportFile: reportPath,
          reportText: text,
          model: options.escalationModel,
          settings: options.settings,
          warn,
          deps,
          costs,
          ...(deps.signal ? { signal: deps.signal } : {}),
          runName: path.basename(runDir),
        });
        if (outcome.cost !== null) costs.record(`escalation:${show(reportPath)}`, outcome.cost);
        if (outcome.file) live.escalation_file = show(outcome.file);
        else if (outcome.skipped) warn(`escalation not sent: ${outcome.skipped}`);
      }
    }
    live.finished = !stop;
    await save();
    const summaryFile = path.join(runDir, APPLY_SUMMARY_FILE);
    const ownCosts = Object.entries(costs.entries()).filter(
      ([key]) => key.startsWith(`send:${show(runDir)}/`) || key.startsWith(`escalation:${show(runDir)}/`),
    );
    const result = buildApplyResult(live, {
      runDir: show(runDir),
      stateFile: show(store.file),
      summaryFile: show(summaryFile),
      totalCost: Math.round(ownCosts.reduce((sum, [, cost]) => sum + cost, 0) * 1e12) / 1e12,
      ...(options.branch ? { branch: options.branch } : {}),
      warnings,
    });
    await writeFileAtomically(summaryFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await store.release();
  }
}

/**
 * Steps 5–6 of the fix loop for the files of one extraction: diff, apply and verify each, retry once
 * with the error, and write the failure report (and its escalation) for what still fails. Never prints
 * or exits; resumable from `<run_dir>/apply_state.json`. Holds the project lock throughout, after
 * settling what a run that died left in the tree.
 */
export async function runApply(options: ApplyOptions, deps: ApplyDeps = {}): Promise<ApplyResult> {
  const recovered: string[] = [];
  const warn = (message: string) => {
    recovered.push(message);
    deps.warn?.(message);
  };
  return withProjectSession(options.projectRoot, { command: "gembatch apply", warn }, async () => {
    const result = await runApplyLocked(options, deps);
    return recovered.length > 0 ? { ...result, warnings: [...recovered, ...(result.warnings ?? [])] } : result;
  });
}
