import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { CliError, createStateStore, createUniqueDir, localStamp, systemClock, type StateStore } from "@gembatch/core";
import { issueNameForRule } from "@gembatch/report";
import { loadRules, parseScanConfig, type CompiledRule } from "@gembatch/scan";
import { createCostTracker } from "../costs.js";
import { checkGitTree, switchBranch } from "../git.js";
import { shownPath } from "../paths.js";
import { withProjectSession } from "../project-session.js";
import type { StopReason } from "../state.js";
import type { ApplyDeps } from "../types.js";
import type { BatchDeps } from "./batch-jobs.js";
import { runBatchPass } from "./batch-pass.js";
import { dryRunPlan } from "./dry-run.js";
import { FIX_STATE_FILE, FIX_STATE_VERSION, FixStateSchema, type FixState, type RuleEntry } from "./fix-state.js";
import { makePlan } from "./plan.js";
import { buildFixResult } from "./result.js";
import { runRuleStep, type RuleStepContext } from "./rule-step.js";
import { formatShard } from "./shard.js";
import { writeSummaries } from "./summary.js";
import type { ScanAndFixOptions, ScanAndFixResult } from "./types.js";

const PREFIX = "gembatch_fix_";

/** With `--resume` and no output_dir: the newest run directory whose state is not finished. */
async function latestUnfinished(tmpDir: string): Promise<string> {
  const dirs = existsSync(tmpDir)
    ? readdirSync(tmpDir)
        .filter((name) => name.startsWith(PREFIX))
        .sort()
        .reverse()
    : [];
  for (const name of dirs) {
    const store = createStateStore({
      file: path.join(tmpDir, name, FIX_STATE_FILE),
      schema: FixStateSchema,
      version: FIX_STATE_VERSION,
    });
    const state = await store.load().catch(() => undefined);
    if (state && !state.finished) return path.join(tmpDir, name);
  }
  throw new CliError("BAD_INPUT", "resume: no interrupted scan-and-fix run to resume", {
    hint: `pass --output-dir with the run directory (${PREFIX}<stamp> under the tmp dir)`,
  });
}

function entryFor(rule: string, files: string[]): RuleEntry {
  return {
    rule,
    issue: issueNameForRule(rule),
    files,
    phase: "pending",
    report_file: null,
    run_dir: null,
    error: null,
    outcomes: {},
    attempts: {},
    patches: {},
    failure_report: null,
    escalation_file: null,
    set_aside: {},
    evidence: {},
  };
}

/**
 * The whole fix loop for CI: scan → one report per rule → send → extract → apply and verify with the
 * retry → failure reports → a summary as JSON and markdown. Rules run one after another so a file two
 * rules flag is sent the second time as the first fix left it. Resumable from the run directory.
 */
async function runScanAndFixLocked(
  options: ScanAndFixOptions,
  deps: ApplyDeps & BatchDeps,
  recovered: string[] = [],
): Promise<ScanAndFixResult> {
  if (options.dryRun && options.resume)
    throw new CliError("BAD_INPUT", "resume: a dry run has nothing to resume", {
      hint: "leave out --dry-run or --resume",
    });
  // What the project lock's recovery settled goes into this run's summary too (CI reads only that).
  const warnings: string[] = [...recovered];
  const warn = (message: string) => {
    warnings.push(message);
    deps.warn?.(message);
  };
  const root = options.projectRoot;
  const clock = deps.clock ?? systemClock;
  const fixDir = options.outputDir
    ? path.resolve(options.cwd, options.outputDir)
    : options.resume
      ? await latestUnfinished(options.tmpDir)
      : createUniqueDir(options.tmpDir, `${PREFIX}${localStamp(new Date(clock.now()))}`);
  mkdirSync(fixDir, { recursive: true });
  const store: StateStore<FixState> = createStateStore({
    file: path.join(fixDir, FIX_STATE_FILE),
    schema: FixStateSchema,
    version: FIX_STATE_VERSION,
    command: "gembatch scan-and-fix",
  });
  await store.lock();
  try {
    let state = await store.load();
    if (state && !options.resume)
      throw new CliError("BAD_INPUT", `output_dir: ${shownPath(root, fixDir)} already holds a scan-and-fix run`, {
        hint: "pass --resume to continue it, or choose another output_dir",
      });
    if (!state && options.resume)
      throw new CliError("BAD_INPUT", `resume: no scan-and-fix state in ${shownPath(root, fixDir)}`, {
        hint: "run without --resume to start",
      });
    const rulesById = new Map<string, CompiledRule>();
    let plan: Awaited<ReturnType<typeof makePlan>> | undefined;
    if (!state) {
      // Refused before anything is scanned or saved, so a refusal leaves nothing to resume.
      if (options.commit && !options.dryRun) await checkGitTree({ cwd: root, allowDirty: options.allowDirty });
      plan = await makePlan(options, deps.signal ? { signal: deps.signal } : {});
      for (const rule of plan.rules) rulesById.set(rule.id, rule);
      const now = new Date(clock.now()).toISOString();
      state = {
        created_at: now,
        updated_at: now,
        finished: false,
        stopped: null,
        shard: options.shard ? formatShard(options.shard) : null,
        plan: {
          paths: options.paths ?? null,
          rules: options.rules ?? null,
          max_files: options.maxFiles ?? null,
          dry_run: options.dryRun,
          ...(options.via === "batch" ? { via: "batch" } : {}),
        },
        findings: plan.findings.length,
        files_found: plan.filesFound.length,
        files: plan.files,
        rules: plan.byRule.map((r) => entryFor(r.rule.id, r.files)),
        costs: {},
      };
    } else {
      const ids = state.rules.map((r) => r.rule);
      for (const loaded of loadRules({
        root,
        config: parseScanConfig(options.scanConfig, options.configLabel),
        only: ids,
      }))
        rulesById.set(loaded.rule.id, loaded.rule);
    }
    const live: FixState = state;
    const costs = createCostTracker(options.maxCost ?? null, live.costs);
    const save = async () => {
      live.updated_at = new Date(clock.now()).toISOString();
      live.costs = costs.entries();
      if (!options.dryRun) await store.save(live);
    };
    const ctx: RuleStepContext = { options, fixDir, rules: rulesById, deps, costs, save, warn };
    let stop: StopReason | undefined;
    let dry: Awaited<ReturnType<typeof dryRunPlan>> | undefined;
    let batch: ScanAndFixResult["batch"];
    if (options.dryRun) dry = await dryRunPlan(ctx, plan!, live.rules);
    else if (options.via === "batch" || live.batch || live.plan.via === "batch") {
      if (live.files.length > 0 && options.branch && !live.batch) await switchBranch(root, options.branch);
      await save();
      ({ stop, batch } = await runBatchPass(ctx, live, deps));
      live.stopped = stop ?? null;
      live.finished = !stop && (live.batch?.missing.length ?? 0) === 0;
      await save();
    } else {
      if (live.files.length > 0 && options.branch) await switchBranch(root, options.branch);
      await save();
      for (const entry of live.rules) {
        if (entry.phase === "applied" || entry.phase === "failed") continue;
        if (deps.signal?.aborted) {
          stop = "interrupted";
          break;
        }
        deps.info?.(`${entry.rule}: ${entry.files.length} file(s)`);
        ({ stop } = await runRuleStep(ctx, entry));
        if (stop) break;
      }
      live.stopped = stop ?? null;
      live.finished = !stop;
      await save();
    }
    const result = buildFixResult({
      state: live,
      fixDir,
      projectRoot: root,
      totalCost: costs.spent(),
      dryRun: options.dryRun,
      dry,
      rulesLeftOut: plan?.rulesLeftOut,
      stateFile: options.dryRun ? null : store.file,
      warnings,
    });
    if (batch) result.batch = batch;
    await writeSummaries(result, {
      json: path.join(fixDir, "SUMMARY.json"),
      markdown: path.join(fixDir, "SUMMARY.md"),
      projectRoot: root,
      ...(options.stepSummaryFile ? { stepSummary: options.stepSummaryFile } : {}),
    });
    return result;
  } finally {
    await store.release();
  }
}

/**
 * scan-and-fix under the project lock (a dry run edits nothing and takes none): a second run in the
 * project is refused, and a candidate a dead run left in the tree is put back before the scan sees it.
 */
export async function runScanAndFix(
  options: ScanAndFixOptions,
  deps: ApplyDeps & BatchDeps = {},
): Promise<ScanAndFixResult> {
  if (options.dryRun) return runScanAndFixLocked(options, deps);
  const recovered: string[] = [];
  const warn = (message: string) => {
    recovered.push(message);
    deps.warn?.(message);
  };
  return withProjectSession(options.projectRoot, { command: "gembatch scan-and-fix", warn }, () =>
    runScanAndFixLocked(options, deps, recovered),
  );
}
