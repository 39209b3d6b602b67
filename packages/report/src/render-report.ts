import { CliError } from "@gembatch/core";
import { chooseFence } from "./fences.js";
import {
  ALL_CONTEXT_HEADING,
  CONTEXT_HEADING,
  DEFAULT_STATUS,
  DETAILS_HEADING,
  endMarker,
  FILES_HEADING,
  NO_FINAL_NEWLINE,
  startMarker,
  TITLE_PREFIX,
} from "./format.js";
import { languageFor } from "./language.js";

export interface ContextFile {
  /** Posix path relative to the project root. */
  path: string;
  /** The file's exact text. */
  content: string;
  /** Fence info string; from the extension when absent. */
  language?: string;
}

interface ReportContent {
  /** The `# Issue Report:` title. */
  issue: string;
  project: string;
  task: string;
  status?: string;
  filesToFix: string[];
  details: string;
  contextFiles: ContextFile[];
}

/** Details are stored without surrounding blank lines or trailing spaces; the parser returns them the same way. */
export function normalizeDetails(details: string): string {
  return details.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}

function singleLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new CliError("BAD_INPUT", `${field}: must be a single line`);
  return value;
}

/** A path goes into markers and list lines, so it must not break either. */
export function checkReportPath(field: string, file: string): string {
  if (/[\r\n]/.test(file) || file.includes("-->"))
    throw new CliError(
      "BAD_INPUT",
      `${field}: a path with a line break or "-->" cannot go in a report: ${JSON.stringify(file)}`,
    );
  return file;
}

/** One context block: markers around a fence that the file's own content cannot close. */
function renderContextBlock(file: ContextFile): string {
  const fence = chooseFence(file.content);
  const addNewline = file.content.length > 0 && !file.content.endsWith("\n");
  return [
    `${startMarker(file.path)}\n`,
    `${fence}${file.language ?? languageFor(file.path)}\n`,
    file.content,
    addNewline ? "\n" : "",
    `${fence}\n`,
    addNewline ? `${NO_FINAL_NEWLINE}\n` : "",
    `${endMarker(file.path)}\n`,
  ].join("");
}

/** The report as markdown, in the seed's layout; `parseReport` reads it back exactly. */
export function renderReport(report: ReportContent): string {
  const details = normalizeDetails(report.details);
  if (details.split("\n").some((line) => line.trimEnd() === ALL_CONTEXT_HEADING)) {
    throw new CliError("BAD_INPUT", `details: must not contain the line "${ALL_CONTEXT_HEADING}"`, {
      hint: "that heading starts the context files",
    });
  }
  report.filesToFix.forEach((file, i) => checkReportPath(`files_to_fix[${i}]`, file));
  report.contextFiles.forEach((file, i) => checkReportPath(`context_files[${i}]`, file.path));
  const head = [
    `${TITLE_PREFIX}${singleLine("issue", report.issue)}`,
    "",
    CONTEXT_HEADING,
    `- **Project**: ${singleLine("project", report.project)}`,
    `- **Task**: ${singleLine("task", report.task)}`,
    `- **Status**: ${singleLine("status", report.status ?? DEFAULT_STATUS)}`,
    "",
    FILES_HEADING,
    ...report.filesToFix.map((file, i) => `${i + 1}. ${file}`),
    "",
    DETAILS_HEADING,
    details,
    "",
    ALL_CONTEXT_HEADING,
    "",
  ].join("\n");
  return `${head}\n${report.contextFiles.map(renderContextBlock).join("\n")}`;
}
