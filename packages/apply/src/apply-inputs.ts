import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CliError, isSafeProjectPath, toCliError } from "@gembatch/core";
import { CONTEXT_JSON, runExtract } from "@gembatch/extract";
import { parseReport, readNamedText, type ParsedReport } from "@gembatch/report";
import { readSendSummary } from "@gembatch/send/run-files";
import { readExtraction, viewFromContext, type ExtractionView } from "./candidates.js";
import { isInside, toPosix } from "./paths.js";
import { createRuleChecker, ruleFromDetails, type RuleChecker } from "./rescan.js";

export interface InputPaths {
  cwd: string;
  projectRoot: string;
  tmpDir: string;
  extractedDir?: string;
  runDir?: string;
  files?: string[];
  resume?: boolean;
}

/** The extraction to apply: given, read from `extracted_dir`, or made from the send run in `run_dir`. */
export async function resolveView(
  options: InputPaths & { view?: ExtractionView; signal?: AbortSignal },
): Promise<ExtractionView> {
  if (options.view) return options.view;
  const sendRunDir = options.runDir ? path.resolve(options.cwd, options.runDir) : undefined;
  if (options.extractedDir) {
    return readExtraction({
      extractedDir: path.resolve(options.cwd, options.extractedDir),
      cwd: options.cwd,
      projectRoot: options.projectRoot,
      tmpDir: options.tmpDir,
      ...(sendRunDir ? { sendRunDir } : {}),
    });
  }
  if (!sendRunDir) {
    throw new CliError("BAD_INPUT", "extracted_dir: required (or run_dir, the send run to extract and apply)", {
      hint: `gembatch apply '{"extracted_dir": "tmp/gemini_extracted_<stamp>"}' or --run-dir tmp/gemini_batch_<stamp>`,
    });
  }
  if (!existsSync(sendRunDir) || !statSync(sendRunDir).isDirectory())
    throw new CliError("FILE_NOT_FOUND", `run_dir: directory not found: ${options.runDir}`);
  const extractedDir = path.join(sendRunDir, "extracted");
  if (options.resume && existsSync(path.join(extractedDir, CONTEXT_JSON))) {
    return readExtraction({
      extractedDir,
      cwd: options.cwd,
      projectRoot: options.projectRoot,
      tmpDir: options.tmpDir,
      sendRunDir,
    });
  }
  const extracted = await runExtract(
    {
      markdownFile: sendRunDir,
      cwd: options.projectRoot,
      projectRoot: options.projectRoot,
      tmpDir: options.tmpDir,
      outputDir: extractedDir,
      ...(options.files ? { files: projectFiles(options) } : {}),
    },
    { ...(options.signal ? { signal: options.signal } : {}) },
  );
  return viewFromContext(extracted, {
    extractedDir: extracted.output_dir ? extractedDir : null,
    bases: [options.projectRoot],
    sendRunDir,
  });
}

/** `files` given relative to the cwd, as project-relative POSIX paths (the extraction's keys). */
export function projectFiles(options: Pick<InputPaths, "cwd" | "projectRoot" | "files">): string[] {
  return (options.files ?? []).map((value, i) => {
    const absolute = path.resolve(options.cwd, value);
    if (!isInside(options.projectRoot, absolute))
      throw new CliError("PATH_OUTSIDE_PROJECT", `files[${i}]: outside the project root: ${value}`);
    return toPosix(path.relative(options.projectRoot, absolute));
  });
}

/** The issue report the first attempt was sent with: given, or named by the send run's BATCH_SUMMARY.json. */
export function loadIssueReport(options: {
  cwd: string;
  projectRoot: string;
  issueReportFile?: string;
  sendRunDir: string | null;
  warn(message: string): void;
}): { report: ParsedReport | null; file: string | null } {
  let file: string | null = null;
  if (options.issueReportFile) file = path.resolve(options.cwd, options.issueReportFile);
  else if (options.sendRunDir) {
    // A missing or foreign summary names nothing: the run was not finished or not written by send.
    const named = readSendSummary(options.sendRunDir)?.issue_report_file;
    // The run directory is not trusted to name a file outside the project (its text would go to the model).
    if (named !== undefined && isSafeProjectPath(options.projectRoot, named, "read"))
      file = path.resolve(options.projectRoot, named);
    else if (named !== undefined)
      options.warn(`BATCH_SUMMARY.json names an issue report outside the project (${named}); not read`);
  }
  if (!file) {
    options.warn("no issue report found (pass issue_report_file): a failed attempt cannot be retried");
    return { report: null, file: null };
  }
  if (options.issueReportFile && !existsSync(file))
    throw new CliError("FILE_NOT_FOUND", `issue_report_file: file not found: ${options.issueReportFile}`);
  try {
    // A retry sends this report again: inside the project it is read through the guard.
    const value = options.issueReportFile ?? path.relative(options.cwd, file);
    return {
      report: parseReport(
        readNamedText({ root: options.projectRoot, cwd: options.cwd, value, field: "issue_report_file" }).text,
      ),
      file,
    };
  } catch (error) {
    if (options.issueReportFile) throw error;
    options.warn(
      `${path.relative(options.cwd, file)}: ${toCliError(error).message}; a failed attempt cannot be retried`,
    );
    return { report: null, file: null };
  }
}

/** The rules to re-scan with: given, or the one a scan-written report names; none when unknown. */
export function loadChecker(options: {
  projectRoot: string;
  scanConfig: unknown;
  rules?: string[];
  report: ParsedReport | null;
  warn(message: string): void;
}): RuleChecker | null {
  const derived = options.report ? ruleFromDetails(options.report.details) : undefined;
  const rules = options.rules ?? (derived ? [derived] : []);
  if (rules.length === 0) return null;
  try {
    return createRuleChecker({ root: options.projectRoot, scanConfig: options.scanConfig, rules });
  } catch (error) {
    if (options.rules) throw error;
    options.warn(
      `the report names rule ${derived}, which cannot be loaded (${toCliError(error).message}); findings are not re-checked`,
    );
    return null;
  }
}
