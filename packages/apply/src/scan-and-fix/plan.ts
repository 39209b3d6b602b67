import {
  loadRules,
  parseScanConfig,
  resolveScanOptions,
  runScan,
  type CompiledRule,
  type Finding,
  type RunScanOptions,
  type ScanRun,
} from "@gembatch/scan";
import { isAutoFixable } from "./fixable.js";
import { inShard } from "./shard.js";
import type { ScanAndFixOptions } from "./types.js";

export interface Plan {
  rules: CompiledRule[];
  findings: Finding[];
  filesFound: string[];
  /** This shard's files, capped by max_files. */
  files: string[];
  byRule: Array<{ rule: CompiledRule; files: string[]; findings: Finding[] }>;
  /** Rules the default run leaves to people (no --rules, no --all-rules). */
  rulesLeftOut: string[];
}

export interface PlanDeps {
  signal?: AbortSignal;
  /** The scanner; tests wrap it to see what the scan was asked for. */
  scan?: (options: RunScanOptions) => Promise<ScanRun>;
}

/** Scan as `gembatch scan` would with the same config, then shard, cap and group by rule. */
export async function makePlan(options: ScanAndFixOptions, deps: PlanDeps = {}): Promise<Plan> {
  const root = options.projectRoot;
  const configLabel = options.configLabel ?? "gembatch.config.json";
  const config = parseScanConfig(options.scanConfig, configLabel);
  const loaded = loadRules({ root, config, ...(options.rules ? { only: options.rules } : {}) }).map(
    (entry) => entry.rule,
  );
  // With no rules named, a run sends only what a model can fix, at severity warning or above.
  const defaults = options.rules === undefined && !options.allRules;
  const rules = defaults ? loaded.filter(isAutoFixable) : loaded;
  const minSeverity = options.minSeverity ?? config.min_severity ?? (defaults ? "warning" : undefined);
  const settings = resolveScanOptions(
    {
      ...(options.paths ? { paths: options.paths } : {}),
      ...(options.exclude ? { exclude: options.exclude } : {}),
      ...(minSeverity ? { min_severity: minSeverity } : {}),
    },
    config,
    {
      cwd: options.cwd,
      projectRoot: root,
      tmpDir: options.tmpDir,
      ...(options.configFile ? { configFile: options.configFile } : {}),
      configLabel,
    },
  );
  const run = await (deps.scan ?? runScan)({
    ...settings,
    root,
    rules,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const filesFound = [...new Set(run.findings.map((f) => f.file))].sort();
  let files = filesFound.filter((file) => inShard(file, options.shard));
  if (options.maxFiles !== undefined) files = files.slice(0, options.maxFiles);
  const chosen = new Set(files);
  const byRule = run.rules
    .map((rule) => {
      const findings = run.findings.filter((f) => f.rule === rule.id && chosen.has(f.file));
      return { rule, findings, files: [...new Set(findings.map((f) => f.file))] };
    })
    .filter((entry) => entry.files.length > 0);
  return {
    rules: run.rules,
    findings: run.findings,
    filesFound,
    files,
    byRule,
    rulesLeftOut: loaded.filter((rule) => !rules.includes(rule)).map((rule) => rule.id),
  };
}
