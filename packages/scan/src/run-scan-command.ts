import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { CliError, writeFileAtomically } from "@gembatch/core";
import { applyBaseline, looksLikeFile, readBaselineFile, withGitSnapshot, type BaselineEntry } from "./baseline.js";
import { changedSince } from "./changed.js";
import { loadRules, parseScanConfig, type LoadedRule } from "./rules/load.js";
import { runScan, type RunScanOptions, type ScanRun } from "./run-scan.js";
import { toSarif } from "./sarif.js";
import type { Finding } from "./scan-file.js";
import type { ScanInput } from "./scan-input.js";
import { resolveScanOptions } from "./scan-options.js";
import { toScanResult, type ScanReportSummary, type ScanResult } from "./scan-result.js";
import { displayPath } from "./walk.js";

/** Through the package's own export, so the version is found from dist and from a bundled bin alike. */
function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)("@gembatch/scan/package.json") as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

const version = packageVersion();

export interface RuleListResult {
  success: boolean;
  rules: Array<{
    id: string;
    severity: string;
    message: string;
    source: string;
    multiline: boolean;
    extensions: string[];
    fix_hint?: string;
  }>;
  warnings?: string[];
}

export type ScanCommandResult = ScanResult | RuleListResult;

export interface RunScanCommandOptions {
  /** The command's validated input (its `report` keys are the report writer's business). */
  input: ScanInput;
  cwd: string;
  projectRoot: string;
  tmpDir: string;
  configFile?: string;
  /** The config file's raw `scan` section; validated here. */
  scanConfig: unknown;
}

export interface RunScanCommandDeps {
  warn(message: string): void;
  signal?: AbortSignal;
  /** With `--report`: turns the findings into issue reports (supplied by @gembatch/report). */
  writeReports?: (findings: Finding[], run: ScanRun) => Promise<ScanReportSummary[]>;
  /** The scanner; tests wrap it to see what each scan was asked for. */
  scan?: (options: RunScanOptions) => Promise<ScanRun>;
}

function listRules(loaded: LoadedRule[]): RuleListResult {
  return {
    success: true,
    rules: loaded.map(({ rule, source }) => ({
      id: rule.id,
      severity: rule.severity,
      message: rule.message,
      source,
      multiline: rule.multiline,
      extensions: rule.spec.extensions ?? [],
      ...(rule.fixHint ? { fix_hint: rule.fixHint } : {}),
    })),
  };
}

async function baselineEntries(
  value: string,
  options: RunScanCommandOptions,
  scanAt: (root: string) => Promise<ScanRun>,
  only?: string[],
): Promise<{ entries: BaselineEntry[]; kind: "file" | "git" }> {
  if (looksLikeFile(value, options.cwd))
    return { entries: readBaselineFile(path.resolve(options.cwd, value), value), kind: "file" };
  const run = await withGitSnapshot(
    { root: options.projectRoot, ref: value, ...(only ? { paths: only } : {}) },
    scanAt,
  );
  return { entries: run.findings, kind: "git" };
}

/** `gembatch scan`: the rules, the scan, the baseline, SARIF and reports; the findings as data. */
export async function runScanCommand(
  options: RunScanCommandOptions,
  deps: RunScanCommandDeps,
): Promise<ScanCommandResult> {
  const { input, cwd } = options;
  const root = options.projectRoot;
  const scan = deps.scan ?? runScan;
  const configLabel = options.configFile
    ? path.relative(cwd, options.configFile) || "gembatch.config.json"
    : "gembatch.config.json";
  const config = parseScanConfig(options.scanConfig, configLabel);
  const rulesFiles = input.rules_file ? [path.resolve(cwd, input.rules_file)] : [];
  const loaded = loadRules({ root, config, rulesFiles, only: input.rules, disable: input.disable });
  if (input.list_rules) return listRules(loaded);
  if (loaded.length === 0) deps.warn("no rules to run (all disabled?)");
  const settings = resolveScanOptions(input, config, {
    cwd,
    projectRoot: root,
    tmpDir: options.tmpDir,
    ...(options.configFile ? { configFile: options.configFile } : {}),
    configLabel,
    rulesFiles,
  });
  const changed = input.changed_since ? await changedSince(root, input.changed_since) : undefined;
  const scanOptions = (scanRoot: string): RunScanOptions => ({
    ...settings,
    root: scanRoot,
    ...(changed ? { only: changed.files } : {}),
    rules: loaded.map((entry) => entry.rule),
    signal: deps.signal,
  });
  const run = await scan(scanOptions(root));
  const missing = run.skipped.filter((s) => s.reason === "not-found");
  if (missing.length > 0) {
    // As rg and semgrep do: a named path that does not exist is a mistake in the command, not an empty scan.
    throw new CliError("FILE_NOT_FOUND", `paths: not found: ${missing.map((s) => s.file).join(", ")}`, {
      hint: "name files or directories that exist inside the project",
    });
  }
  let findings = run.findings;
  let baseline: ScanResult["baseline"];
  if (input.baseline) {
    const { entries, kind } = await baselineEntries(
      input.baseline,
      options,
      (snapshot) => scan(scanOptions(snapshot)),
      changed?.files,
    );
    const applied = applyBaseline(findings, entries);
    findings = applied.fresh;
    baseline = { source: input.baseline, kind, known: applied.known, new: applied.fresh.length };
  }
  const maxFindings = input.max_findings ?? (input.jsonl ? Number.POSITIVE_INFINITY : 1000);
  const result = toScanResult(run, findings, { maxFindings, failOnFindings: input.fail_on_findings ?? false });
  if (baseline) result.baseline = baseline;
  if (changed)
    result.changed_since = { ref: input.changed_since!, commit: changed.commit, files_changed: changed.files.length };
  if (input.sarif) {
    const file = path.resolve(cwd, input.sarif);
    const sarif = toSarif({ root, rules: run.rules, findings, skipped: run.skipped, toolVersion: version });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomically(file, `${JSON.stringify(sarif, null, 2)}\n`);
    result.sarif_file = displayPath(cwd, file);
  }
  if (deps.writeReports) {
    result.reports = await deps.writeReports(findings, run);
    if (result.reports.some((r) => !r.success)) result.success = false;
  }
  return result;
}
