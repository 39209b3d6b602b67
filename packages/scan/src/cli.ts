import { z } from "zod";
import { defineCommand, ExitCode, type CommandContext, type OptionSpec } from "@gembatch/core";
import type { ScanRun } from "./run-scan.js";
import type { ScanCommandResult } from "./run-scan-command.js";
import type { Finding } from "./scan-file.js";
import { baseShape, fullSchema, type reportShape, type ScanInput } from "./scan-input.js";
import { renderScanText, type ScanReportSummary } from "./scan-result.js";

export type { ScanInput } from "./scan-input.js";
export type { RuleListResult, ScanCommandResult } from "./run-scan-command.js";

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
    description: "also scan node_modules, __pycache__ and venv (never the tmp dir)",
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
    async run(input, ctx): Promise<ScanCommandResult> {
      const { runScanCommand } = await import("./run-scan-command.js");
      return runScanCommand(
        {
          input,
          cwd: ctx.cwd,
          projectRoot: ctx.config.projectRoot,
          tmpDir: ctx.config.tmpDir,
          ...(ctx.config.configFile ? { configFile: ctx.config.configFile } : {}),
          scanConfig: ctx.config.file.scan,
        },
        {
          warn: (message) => ctx.warn(message),
          signal: ctx.signal,
          ...(reports && input.report
            ? { writeReports: (findings: Finding[], run: ScanRun) => reports.write({ input, findings, run, ctx }) }
            : {}),
        },
      );
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
