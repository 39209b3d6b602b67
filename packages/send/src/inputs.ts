import { createHash } from "node:crypto";
import path from "node:path";
import { CliError, toCliError, type ErrorCode } from "@gembatch/core";
import {
  chooseFence,
  knownLanguage,
  parseReport,
  readNamedText,
  readProjectText,
  type ParsedReport,
} from "@gembatch/report";
import { fileInstructions } from "./prompt.js";
import { fileNames, type FileNames } from "./run-dir.js";
import type { FileMeta } from "./types.js";

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export interface SourceFile {
  /** Position in files_to_fix. */
  index: number;
  /** Project-relative POSIX path: what the markers and results name. */
  file: string;
  absolute: string;
  content: string;
  sha256: string;
}

export interface PlannedFile extends SourceFile {
  n: number;
  fence: string;
  language: string;
  names: FileNames;
  instructions: string;
}

interface Problem {
  code: ErrorCode;
  message: string;
  hint?: string;
}

function problemOf(error: unknown): Problem {
  const cliError = toCliError(error);
  return { code: cliError.code, message: cliError.message, ...(cliError.hint ? { hint: cliError.hint } : {}) };
}

/**
 * Read one file to fix through the project guard and the UTF-8 check, at the moment it is read: what is
 * read here is what the model sees and what apply writes back, so a file that is not text, or a path
 * that leaves the project or enters `.git`, is refused rather than sent.
 */
function checkFile(
  raw: string,
  where: string,
  options: { cwd: string; root: string },
): Problem | { absolute: string; file: string; content: string } {
  const absolute = path.resolve(options.cwd, raw);
  try {
    const read = readProjectText(options.root, absolute, { field: where, display: raw });
    return { absolute, file: read.relative, content: read.text };
  } catch (error) {
    return problemOf(error);
  }
}

/** The report's own "Files to Fix" list, for a call that names none; paths in a report are project-relative. */
function filesFromReport(report: string, issueReportFile: string): string[] {
  let parsed: ParsedReport;
  try {
    parsed = parseReport(report);
  } catch (error) {
    throw new CliError(
      "BAD_INPUT",
      `files_to_fix: not given, and ${issueReportFile} cannot be read for its list (${(error as Error).message})`,
      {
        hint: "pass files_to_fix, or fix the report's layout",
      },
    );
  }
  if (parsed.filesToFix.length === 0) {
    throw new CliError(
      "BAD_INPUT",
      `files_to_fix: not given, and the "Files to Fix" section of ${issueReportFile} is empty`,
      { hint: "pass files_to_fix" },
    );
  }
  return parsed.filesToFix;
}

/**
 * Read and check the report and every file to fix; every problem is found before anything is sent.
 * Without files_to_fix the report's own list is used, resolved against the project root.
 */
export function loadInputs(options: {
  issueReportFile: string;
  filesToFix?: string[] | undefined;
  cwd: string;
  projectRoot: string;
}): {
  report: string;
  reportPath: string;
  files: SourceFile[];
} {
  const problems: Problem[] = [];
  const reportPath = path.resolve(options.cwd, options.issueReportFile);
  const root = options.projectRoot;
  let report = "";
  try {
    // The report goes into every prompt: inside the project it is read through the guard like any project file.
    report = readNamedText({ root, cwd: options.cwd, value: options.issueReportFile, field: "issue_report_file" }).text;
    if (report === "")
      problems.push({ code: "BAD_INPUT", message: `issue_report_file: empty file: ${options.issueReportFile}` });
  } catch (error) {
    problems.push(problemOf(error));
  }

  const files: SourceFile[] = [];
  const seen = new Map<string, number>();
  const fromReport = options.filesToFix === undefined && problems.length === 0;
  const list = options.filesToFix ?? (fromReport ? filesFromReport(report, options.issueReportFile) : []);
  list.forEach((raw, index) => {
    const where = fromReport ? `files_to_fix[${index}] (from the report)` : `files_to_fix[${index}]`;
    const checked = checkFile(raw, where, { cwd: fromReport ? root : options.cwd, root });
    if ("code" in checked) return void problems.push(checked);
    const file = checked.file;
    const earlier = seen.get(file);
    if (earlier !== undefined)
      return void problems.push({
        code: "BAD_INPUT",
        message: `${where}: duplicate of files_to_fix[${earlier}]: ${raw}`,
      });
    seen.set(file, index);
    files.push({ index, file, absolute: checked.absolute, content: checked.content, sha256: sha256(checked.content) });
  });
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new CliError(first.code, `${first.message}${more}`, {
      hint: first.hint ?? "paths are relative to the current directory and must be files inside the project",
      details: { problems: problems.map((p) => p.message) },
    });
  }
  return { report, reportPath, files };
}

/**
 * Give each file its number n: the one an earlier run in the same directory used (so --resume
 * overwrites its own files), else its position in files_to_fix, else the next free number.
 */
export function planFiles(
  files: SourceFile[],
  previous: Map<string, FileMeta>,
  reportLanguages: Map<string, string> = new Map(),
): PlannedFile[] {
  const used = new Set<number>([...previous.values()].map((m) => m.n));
  return files.map((source) => {
    let n = previous.get(source.file)?.n;
    if (n === undefined) {
      n = source.index + 1;
      while (used.has(n)) n = Math.max(...used) + 1;
      used.add(n);
    }
    const fence = chooseFence(source.content);
    const language = knownLanguage(source.file) ?? reportLanguages.get(source.file) ?? "";
    return {
      ...source,
      n,
      fence,
      language,
      names: fileNames(n, source.file),
      instructions: fileInstructions({
        file: source.file,
        content: source.content,
        sha256: source.sha256,
        fence,
        language,
      }),
    };
  });
}
