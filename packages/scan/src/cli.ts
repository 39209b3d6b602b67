import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { z } from "zod";
import {
  CliError,
  defineCommand,
  ExitCode,
  writeFileAtomically,
  type CommandContext,
  type OptionSpec,
} from "@gembatch/core";
import { applyBaseline, looksLikeFile, readBaselineFile, withGitSnapshot, type BaselineEntry } from "./baseline.js";
import { changedSince } from "./changed.js";
import { loadRules, parseScanConfig, type LoadedRule } from "./rules/load.js";
import { SEVERITIES } from "./rules/schema.js";
import { runScan, type RunScanOptions, type ScanRun } from "./run-scan.js";
import { toSarif } from "./sarif.js";
import type { Finding } from "./scan-file.js";
import { renderScanText, toScanResult, type ScanReportSummary, type ScanResult } from "./scan-result.js";
import { displayPath, isInside, toPosix } from "./walk.js";

/** Through the package's own export, so the version is found from dist and from a bundled bin alike. */
function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)("@gembatch/scan/package.json") as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

const version = packageVersion();

const strings = z.array(z.string().min(1));

const baseShape = {
  paths: strings.optional(),
  rules: strings.optional(),
  disable: strings.optional(),
  rules_file: z.string().min(1).optional(),
  include: strings.optional(),
  exclude: strings.optional(),
  gitignore: z.boolean().optional(),
  default_excludes: z.boolean().optional(),
  hidden: z.boolean().optional(),
  max_file_bytes: z.number().int().positive().optional(),
  context_lines: z.number().int().min(0).max(20).optional(),
  min_severity: z.enum(SEVERITIES).optional(),
  sarif: z.string().min(1).optional(),
  baseline: z.string().min(1).optional(),
  fail_on_findings: z.boolean().optional(),
  max_findings: z.number().int().min(0).optional(),
  jsonl: z.boolean().optional(),
  changed_since: z.string().min(1).optional(),
  workers: z.number().int().min(0).max(64).optional(),
  list_rules: z.boolean().optional(),
};

const reportShape = {
  report: z.boolean().optional(),
  include_imports: z.boolean().optional(),
  max_context_tokens: z.number().int().positive().optional(),
};

const fullSchema = z.object({ ...baseShape, ...reportShape }).strict();
export type ScanInput = z.output<typeof fullSchema>;

const baseOptions: Array<OptionSpec<keyof typeof baseShape>> = [
  { key: "rules", type: "string[]", valueName: "ids", description: "run only these rule ids" },
  { key: "disable", type: "string[]", valueName: "ids", description: "do not run these rule ids" },
  {
    key: "rules_file",
    type: "string",
    valueName: "file",
    description: 'extra rules from a JSON file ({"rules": [...]})',
  },
  {
    key: "include",
    type: "string[]",
    valueName: "globs",
    description: "scan only files matching these globs (relative to the project root)",
  },
  { key: "exclude", type: "string[]", valueName: "globs", description: "skip files matching these globs" },
  { key: "gitignore", type: "boolean", negate: true, description: "also scan files that .gitignore ignores" },
  {
    key: "default_excludes",
    type: "boolean",
    negate: true,
    description: "also scan node_modules, __pycache__, venv and the tmp dir",
  },
  { key: "hidden", type: "boolean", description: "also scan dot files and dot directories" },
  { key: "max_file_bytes", type: "number", valueName: "bytes", description: "skip larger files (default 1048576)" },
  {
    key: "context_lines",
    type: "number",
    valueName: "n",
    description: "context lines before and after each finding (default 2)",
  },
  {
    key: "min_severity",
    type: "string",
    valueName: "level",
    description: "only rules of this severity or higher: error, warning or note",
  },
  {
    key: "sarif",
    type: "string",
    valueName: "file",
    description: "also write the findings as SARIF 2.1.0 to this file",
  },
  {
    key: "baseline",
    type: "string",
    valueName: "file|ref",
    description: "report only findings that are not in this findings JSON/SARIF file or git ref",
  },
  { key: "fail_on_findings", type: "boolean", description: "exit 1 when any finding remains" },
  {
    key: "max_findings",
    type: "number",
    valueName: "n",
    description: "findings listed in the result (default 1000, or all with --jsonl; totals always count all)",
  },
  {
    key: "changed_since",
    type: "string",
    valueName: "ref",
    description: "scan only files changed since this git ref (committed, staged, modified or new)",
  },
  {
    key: "jsonl",
    type: "boolean",
    description: "JSON Lines on stdout: every finding on its own line, then one summary line (for large outputs)",
  },
  {
    key: "workers",
    type: "number",
    valueName: "n",
    description: "worker threads (default: 2+ on large trees, 1 otherwise)",
  },
  { key: "list_rules", type: "boolean", description: "list the rules that would run, and scan nothing" },
];

const reportOptions: Array<OptionSpec<keyof typeof reportShape>> = [
  {
    key: "report",
    type: "boolean",
    description: "write one issue report per rule with findings (tmp/issues/fix_<rule>.md)",
  },
  {
    key: "include_imports",
    type: "boolean",
    description: "with --report: add the local files the files to fix import as context",
  },
  {
    key: "max_context_tokens",
    type: "number",
    valueName: "n",
    description: "with --report: refuse a report larger than this many tokens",
  },
];

/** How `scan --report` turns findings into issue reports; supplied by @gembatch/report. */
export interface ScanReportWriter {
  write(args: {
    input: ScanInput;
    findings: Finding[];
    run: ScanRun;
    ctx: CommandContext;
  }): Promise<ScanReportSummary[]>;
}

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

function resolveInside(ctx: CommandContext, field: string, value: string, base = ctx.cwd): string {
  const absolute = path.resolve(base, value);
  if (!isInside(ctx.config.projectRoot, absolute)) {
    throw new CliError("PATH_OUTSIDE_PROJECT", `${field}: outside the project root: ${value}`, {
      hint: `the project root is ${ctx.config.projectRoot}; scan paths inside it (or run from another project)`,
    });
  }
  return absolute;
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
  input: ScanInput,
  ctx: CommandContext,
  scanAt: (root: string) => Promise<ScanRun>,
  only?: string[],
): Promise<{ entries: BaselineEntry[]; kind: "file" | "git" }> {
  const value = input.baseline!;
  if (looksLikeFile(value, ctx.cwd))
    return { entries: readBaselineFile(path.resolve(ctx.cwd, value), value), kind: "file" };
  const run = await withGitSnapshot(
    { root: ctx.config.projectRoot, ref: value, ...(only ? { paths: only } : {}) },
    scanAt,
  );
  return { entries: run.findings, kind: "git" };
}

/** `--jsonl`: a line per finding (`"type": "finding"`), then the result without its findings (`"type": "summary"`). */
export function* scanJsonLines(result: ScanCommandResult): Iterable<unknown> {
  if (!("findings" in result)) {
    yield { type: "summary", ...result };
    return;
  }
  const { findings, ...rest } = result;
  for (const finding of findings) yield { type: "finding", ...finding };
  yield { type: "summary", ...rest };
}

/** The `scan` command; with a report writer it also has `--report` (cycle-free: report depends on scan). */
export function createScanCommand(reports?: ScanReportWriter) {
  // Typed as the full schema so the report flags type-check against it; every report key is optional,
  // so what the base schema parses fits that type.
  const schema = (reports ? fullSchema : z.object(baseShape).strict()) as typeof fullSchema;
  return defineCommand({
    name: "scan",
    summary: "Find code to hand to Gemini: built-in and custom regex rules; findings as JSON, a table or SARIF",
    positionals: [
      { key: "paths", description: "files or directories to scan (default: the current directory)", variadic: true },
    ],
    options: reports ? [...baseOptions, ...reportOptions] : baseOptions,
    examples: [
      "gembatch scan",
      "gembatch scan src --rules logger-bind mock-in-production --json",
      "gembatch scan --sarif tmp/scan.sarif --baseline main --fail-on-findings",
      "gembatch scan --jsonl > findings.jsonl",
      "gembatch scan --changed-since origin/main --baseline origin/main --fail-on-findings",
      `gembatch scan '{"paths": ["src"], "rules": ["blocking-call-in-async"]}'`,
      ...(reports ? ["gembatch scan src --report"] : []),
    ],
    schema,
    async run(raw, ctx): Promise<ScanCommandResult> {
      const input = raw;
      const root = ctx.config.projectRoot;
      const configLabel = ctx.config.configFile
        ? path.relative(ctx.cwd, ctx.config.configFile) || "gembatch.config.json"
        : "gembatch.config.json";
      const config = parseScanConfig(ctx.config.file.scan, configLabel);
      const rulesFile = input.rules_file ? [path.resolve(ctx.cwd, input.rules_file)] : [];
      const loaded = loadRules({ root, config, rulesFiles: rulesFile, only: input.rules, disable: input.disable });
      if (input.list_rules) return listRules(loaded);
      if (loaded.length === 0) ctx.warn("no rules to run (all disabled?)");
      const absolute = input.paths
        ? input.paths.map((value, i) => resolveInside(ctx, `paths[${i}]`, value))
        : config.paths
          ? config.paths.map((value, i) => resolveInside(ctx, `${configLabel}: scan.paths[${i}]`, value, root))
          : [isInside(root, ctx.cwd) ? ctx.cwd : root];
      const paths = absolute.map((file) => toPosix(path.relative(root, file)) || ".");
      const tmpRel = toPosix(path.relative(root, ctx.config.tmpDir));
      const useDefaults = input.default_excludes ?? config.default_excludes ?? true;
      const changed = input.changed_since ? await changedSince(root, input.changed_since) : undefined;
      const ruleSources = [ctx.config.configFile, ...rulesFile].filter(
        (file): file is string => Boolean(file) && isInside(root, file!),
      );
      const scanOptions = (scanRoot: string): RunScanOptions => ({
        root: scanRoot,
        skipFiles: ruleSources.map((file) => toPosix(path.relative(root, file))),
        ...(changed ? { only: changed.files } : {}),
        rules: loaded.map((entry) => entry.rule),
        paths,
        gitignore: input.gitignore ?? config.gitignore ?? true,
        hidden: input.hidden ?? config.hidden,
        include: input.include ?? config.include,
        exclude: [
          ...(config.exclude ?? []),
          ...(input.exclude ?? []),
          ...(useDefaults && isInside(root, ctx.config.tmpDir) && tmpRel ? [`${tmpRel}/**`] : []),
        ],
        defaultExcludes: useDefaults,
        maxFileBytes: input.max_file_bytes ?? config.max_file_bytes,
        contextLines: input.context_lines ?? config.context_lines,
        minSeverity: input.min_severity ?? config.min_severity,
        workers: input.workers ?? config.workers,
        signal: ctx.signal,
      });
      const run = await runScan(scanOptions(root));
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
          input,
          ctx,
          (snapshot) => runScan(scanOptions(snapshot)),
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
        result.changed_since = {
          ref: input.changed_since!,
          commit: changed.commit,
          files_changed: changed.files.length,
        };
      if (input.sarif) {
        const file = path.resolve(ctx.cwd, input.sarif);
        const sarif = toSarif({ root, rules: run.rules, findings, skipped: run.skipped, toolVersion: version });
        await mkdir(path.dirname(file), { recursive: true });
        await writeFileAtomically(file, `${JSON.stringify(sarif, null, 2)}\n`);
        result.sarif_file = displayPath(ctx.cwd, file);
      }
      if (reports && input.report) {
        result.reports = await reports.write({ input, findings, run, ctx });
        if (result.reports.some((r) => !r.success)) result.success = false;
      }
      return result;
    },
    renderText(result) {
      if ("rules" in result) {
        const rows = result.rules.map(
          (r) => `${r.id.padEnd(24)} ${r.severity.padEnd(8)} ${r.source.padEnd(8)} ${r.message}`,
        );
        return rows.length ? rows.join("\n") : "No rules.";
      }
      return renderScanText(result);
    },
    exitCode(result) {
      return result.success ? ExitCode.OK : ExitCode.ITEMS_FAILED;
    },
    wantsJsonLines: (input) => Boolean(input.jsonl),
    jsonLines: scanJsonLines,
  });
}

/** `gembatch scan` without `--report`; the umbrella registers the one from @gembatch/report/cli. */
export const scanCommand = createScanCommand();
