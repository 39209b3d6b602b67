import { chooseFence, renderReport, type ParsedReport } from "@gembatch/report";

const ALL_CONTEXT = "## All Context Files (For Reference)";

interface RetryReportInput {
  original: ParsedReport;
  file: string;
  /** The file as it is now (the failed attempt was rolled back). */
  current: string;
  attempt: number;
  maxAttempts: number;
  /** One line: why the previous attempt failed. */
  error: string;
  /** The trimmed error output. */
  details: string;
  /** The previous attempt's patch, when it produced code. */
  patch: string | null;
}

/** A line equal to the context heading would end the details early; nothing else needs escaping. */
function safeBlock(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.trimEnd() === ALL_CONTEXT ? ` ${line}` : line))
    .join("\n");
}

function fenced(text: string, language: string): string {
  const body = safeBlock(text.replace(/\n$/, ""));
  const fence = chooseFence(body);
  return `${fence}${language}\n${body}\n${fence}`;
}

/** What went wrong last time, appended to the original issue's details. */
function previousAttemptSection(input: Omit<RetryReportInput, "original" | "current">): string {
  const out = [
    `## Previous Attempt Failed`,
    "",
    `Previous attempt failed: attempt ${input.attempt - 1} of ${input.maxAttempts} at fixing \`${input.file}\` was rolled back. ${input.error}`,
  ];
  if (input.patch)
    out.push(
      "",
      "The change that was tried (a unified diff against the current file):",
      "",
      fenced(input.patch, "diff"),
    );
  out.push("", "The error, trimmed to what matters:", "", fenced(input.details, "text"));
  out.push(
    "",
    `Fix \`${input.file}\` again, starting from its current content (unchanged by the failed attempt). ` +
      "Keep the fix the issue asks for, avoid the error above, and return the complete file.",
  );
  return out.join("\n");
}

/**
 * The retry request's issue report: the original issue and its context files, the file to fix as it
 * is now, and the previous attempt's change and error. Written with @gembatch/report so send reads it
 * like any other report.
 */
export function renderRetryReport(input: RetryReportInput): string {
  const contextFiles = input.original.contextFiles.map((context) => ({
    path: context.path,
    content: context.path === input.file ? input.current : context.content,
    language: context.language,
  }));
  if (!contextFiles.some((context) => context.path === input.file))
    contextFiles.unshift({ path: input.file, content: input.current, language: "" });
  return renderReport({
    issue: input.original.issue,
    project: input.original.project || "project",
    task: `Fix ${input.file} again: attempt ${input.attempt - 1} failed`,
    status: `RETRY - attempt ${input.attempt} of ${input.maxAttempts}`,
    filesToFix: [input.file],
    details: `${input.original.details}\n\n${previousAttemptSection(input)}`,
    contextFiles: contextFiles.map((c) => (c.language ? c : { path: c.path, content: c.content })),
  });
}
