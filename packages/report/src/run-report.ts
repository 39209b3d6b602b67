import path from "node:path";
import { CliError, type Pricing } from "@gembatch/core";
import { isInside } from "@gembatch/scan";
import { readNamedText } from "./project-text.js";
import { buildReport, reportFileName, tokenLimitFor, writeReport, type ContextEntry } from "./write-report.js";

export interface RunReportOptions {
  issue: string;
  /** Relative to `cwd`, as every path and glob below. */
  filesToFix: string[];
  details?: string | undefined;
  detailsFile?: string | undefined;
  contextFiles?: string[] | undefined;
  contextGlobs?: string[] | undefined;
  includeImports?: boolean | undefined;
  importDepth?: number | undefined;
  /** Default: the project directory's name. */
  project?: string | undefined;
  task?: string | undefined;
  status?: string | undefined;
  maxContextTokens?: number | undefined;
  /** Default: `<issuesDir>/fix_<issue>.md`. */
  outputFile?: string | undefined;
  cwd: string;
  projectRoot: string;
  issuesDir: string;
  model: string;
  pricing: Pricing;
}

export interface RunReportDeps {
  warn(message: string): void;
}

export interface ReportResult {
  success: boolean;
  /** Relative to the current directory. */
  report_file: string;
  issue: string;
  files_to_fix: string[];
  context_files: ContextEntry[];
  total_tokens: number;
  token_limit: number;
  token_limit_source: string;
  model: string;
  bytes: number;
  warnings?: string[];
}

function outputFile(options: RunReportOptions): string {
  if (!options.outputFile) return path.join(options.issuesDir, reportFileName(options.issue));
  const absolute = path.resolve(options.cwd, options.outputFile);
  if (!isInside(options.projectRoot, absolute))
    throw new CliError("PATH_OUTSIDE_PROJECT", `output_file: outside the project root: ${options.outputFile}`);
  return absolute;
}

/** `gembatch report`: one issue report with the files to fix and their context, written atomically. */
export async function runReport(options: RunReportOptions, deps: RunReportDeps): Promise<ReportResult> {
  const root = options.projectRoot;
  const details = options.detailsFile
    ? readNamedText({ root, cwd: options.cwd, value: options.detailsFile, field: "details_file" }).text
    : (options.details ?? "");
  if (details.trim() === "") deps.warn("details: empty; say what is wrong and what to change so Gemini does not guess");
  const tokenLimit = tokenLimitFor({
    model: options.model,
    pricing: options.pricing,
    maxContextTokens: options.maxContextTokens,
    warn: (m) => deps.warn(m),
  });
  const built = buildReport({
    root,
    cwd: options.cwd,
    issue: options.issue,
    filesToFix: options.filesToFix,
    contextFiles: options.contextFiles,
    contextGlobs: options.contextGlobs,
    includeImports: options.includeImports,
    importDepth: options.importDepth,
    details,
    project: options.project ?? path.basename(root),
    task: options.task ?? `Fix the ${options.issue} issue in the files to fix`,
    status: options.status,
    tokenLimit,
  });
  for (const glob of built.unmatchedGlobs) deps.warn(`context_globs: matched no file: ${glob}`);
  for (const skipped of built.skipped) deps.warn(skipped);
  const file = outputFile(options);
  await writeReport(file, built.text);
  return {
    success: true,
    report_file: path.relative(options.cwd, file) || file,
    issue: options.issue,
    files_to_fix: built.filesToFix,
    context_files: built.contextFiles,
    total_tokens: built.totalTokens,
    token_limit: tokenLimit.limit,
    token_limit_source: tokenLimit.source,
    model: options.model,
    bytes: Buffer.byteLength(built.text),
  };
}
