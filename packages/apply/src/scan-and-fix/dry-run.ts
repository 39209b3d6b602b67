import { readFileSync } from "node:fs";
import path from "node:path";
import { defaultPricing, roundUsd } from "@gembatch/core";
import { runSend } from "@gembatch/send";
import { shownPath } from "../paths.js";
import type { RuleEntry } from "./fix-state.js";
import { writeRuleReport, type RuleStepContext } from "./rule-step.js";
import type { Plan } from "./plan.js";
import { NO_ROUTE_COSTS, routeCosts, sumRoutes, type RouteCosts } from "./route-costs.js";

export interface DryRunOutcome {
  entries: RuleEntry[];
  /** Worst case: every reply uses max_tokens. */
  estimatedCost: number | null;
  /** Replies the size of the files, before thinking. */
  expectedCost: number | null;
  requests: string[];
  byRule: Array<{
    rule: string;
    files: number;
    requests: number;
    estimated_cost: number | null;
    estimated_cost_expected: number | null;
  }>;
  /** The same requests priced by route: sync, batch, sync with explicit caching. */
  byRoute: RouteCosts;
}

/** Every report and every request, exactly as a real run would send them, and what they could cost; nothing is sent. */
export async function dryRunPlan(ctx: RuleStepContext, plan: Plan, entries: RuleEntry[]): Promise<DryRunOutcome> {
  const root = ctx.options.projectRoot;
  let estimated: number | null = 0;
  let expected: number | null = 0;
  const requests: string[] = [];
  const byRule: DryRunOutcome["byRule"] = [];
  let byRoute = NO_ROUTE_COSTS;
  for (const entry of entries) {
    const planned = plan.byRule.find((r) => r.rule.id === entry.rule)!;
    if (!(await writeRuleReport(ctx, entry, planned.findings))) continue;
    const runDir = path.join(ctx.fixDir, "runs", entry.issue);
    entry.run_dir = shownPath(root, runDir);
    const result = await runSend(
      {
        issueReportFile: path.resolve(root, entry.report_file!),
        filesToFix: entry.files,
        model: ctx.options.settings.model,
        settings: { ...ctx.options.settings, maxCost: ctx.options.maxCost ?? null },
        outputDir: runDir,
        dryRun: true,
        cwd: root,
        projectRoot: root,
        tmpDir: ctx.options.tmpDir,
      },
      {
        ...(ctx.deps.pricing ? { pricing: ctx.deps.pricing } : {}),
        ...(ctx.deps.clock ? { clock: ctx.deps.clock } : {}),
        warn: ctx.warn,
      },
    );
    const sent = (result.planned ?? []).map((p) => p.request_file);
    requests.push(...sent);
    byRule.push({
      rule: entry.rule,
      files: entry.files.length,
      requests: sent.length,
      estimated_cost: result.estimated_cost ?? null,
      estimated_cost_expected: result.estimated_cost_expected ?? null,
    });
    const report = readFileSync(path.resolve(root, entry.report_file!), "utf8");
    byRoute = sumRoutes(
      byRoute,
      routeCosts({
        model: ctx.options.settings.model,
        report,
        planned: result.planned ?? [],
        maxTokens: result.max_tokens ?? 0,
        at: ctx.deps.clock?.now() ?? Date.now(),
        pricing: ctx.deps.pricing ?? defaultPricing,
      }),
    );
    estimated =
      estimated === null || result.estimated_cost === null || result.estimated_cost === undefined
        ? null
        : estimated + result.estimated_cost;
    expected =
      expected === null || result.estimated_cost_expected === null || result.estimated_cost_expected === undefined
        ? null
        : expected + result.estimated_cost_expected;
  }
  return {
    entries,
    estimatedCost: estimated === null ? null : roundUsd(estimated),
    expectedCost: expected === null ? null : roundUsd(expected),
    requests,
    byRule,
    byRoute,
  };
}
