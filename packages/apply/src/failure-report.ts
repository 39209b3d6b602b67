import { chooseFence, type ParsedReport } from "@gembatch/report";
import { findMissingContext } from "./missing-context.js";
import { readInside } from "./run-files.js";
import type { AttemptRecord, FileState } from "./state.js";
import { renderVerifyEvidence, REPORT_EVIDENCE_TOKENS } from "./verify/evidence/verify-evidence.js";
import { trimOutput } from "./verify/trim.js";

interface FailureReportInput {
  projectRoot: string;
  /** Where the files the attempts name may be read from (default: the project); nothing elsewhere is quoted. */
  within?: readonly string[];
  maxAttempts: number;
  files: FileState[];
  report: ParsedReport | null;
  /** The rules' fix hints, by rule id. */
  fixHints: Record<string, string>;
}

function fenced(text: string, language = ""): string {
  const body = text.replace(/\n$/, "");
  const fence = chooseFence(body);
  return `${fence}${language}\n${body}\n${fence}`;
}

/** The part of the issue details about one file: the opening paragraph and the file's own findings. */
function originalIssue(report: ParsedReport | null, file: string): string {
  if (!report) return "(no issue report was available)";
  const details = report.details;
  const opening = details.split(/\n\s*\n/)[0]!.trim();
  const start = details.indexOf(`\n### ${file}\n`);
  if (start === -1) return opening;
  const rest = details.slice(start + 1);
  const end = rest.indexOf("\n### ", 1);
  return `${opening}\n\n${(end === -1 ? rest : rest.slice(0, end)).replace(/^### .*\n/, "").trim()}`;
}

/** The report goes to a person and, with --escalate, to a model: it quotes only files from where the run keeps them. */
function readOr(file: string | null, input: FailureReportInput, fallback: string): string {
  return readInside(file, { projectRoot: input.projectRoot, within: input.within ?? [input.projectRoot] }) ?? fallback;
}

function lastWithCode(attempts: AttemptRecord[]): AttemptRecord | undefined {
  return [...attempts].reverse().find((a) => a.candidate_file !== null);
}

/** The last attempt's evidence, shorter than what the retry got: a person reads it next to the logs. */
function errorDetails(file: string, last: AttemptRecord | undefined, sent: string): string {
  const failures = last?.verify.new_failures ?? [];
  if (failures.some((f) => f.failures?.length))
    return renderVerifyEvidence(failures, { file, budgetTokens: REPORT_EVIDENCE_TOKENS, maxLevel: 2 });
  return trimOutput(sent, { maxBytes: REPORT_EVIDENCE_TOKENS * 4, headLines: 10, tailLines: 25 });
}

/** Why a file keeps failing, and what a person (or a stronger model) should try next. */
function recommendation(file: FileState, hints: Record<string, string>): string {
  const errors = file.attempts.map((a) => a.error ?? "");
  const kinds = new Set(errors.map((e) => e.replace(/\d+/g, "N")));
  const out: string[] = [];
  if (errors.some((e) => /could not be used \((truncated|no_end_marker)\)/.test(e)))
    out.push(
      "the replies were cut off: raise max_tokens (the model's output limit allows more), or split the file so its fixed version fits one reply",
    );
  if (errors.some((e) => /could not be used \(elided\)/.test(e)))
    out.push("the model elided code; ask again with a smaller file or a narrower issue, and never accept placeholders");
  if (errors.some((e) => e.startsWith("the finding is still there") || e.includes("finding is still there"))) {
    const hint = file.rules.map((rule) => hints[rule]).find(Boolean);
    out.push(
      `the fix did not remove the flagged code${hint ? ` (the rule's advice: ${hint})` : ""}; fix it by hand, or add a \`gembatch-ignore\` comment if the code is intended`,
    );
  }
  if (errors.some((e) => e.startsWith("verify failed")))
    out.push(
      "read the verify logs of both attempts: when the same check fails twice, the model is missing something only the project shows (see Context That May Be Missing); add those files to the report (`context_files`) or fix the check's expectations first",
    );
  if (kinds.size === 1 && errors.length > 1)
    out.push("both attempts failed the same way, so a third automatic attempt is unlikely to help");
  if (out.length === 0)
    out.push("review the attempts' patches and errors; consider `--escalate` for an analysis by a stronger model");
  return out.map((line) => `  - ${line}`).join("\n");
}

/**
 * The seed's failure report: Summary, then for each file the original issue, each attempt's error, the details, the
 * last attempt's code, missing context; and a recommended approach.
 */
export function renderFailureReport(input: FailureReportInput): string {
  const failed = input.files.filter((f) => f.status === "failed");
  const attempts = Math.max(...failed.map((f) => f.attempts.length), input.maxAttempts);
  const out = [
    `# Failure Report: Persistent Issues After ${attempts} Attempts`,
    "",
    "## Summary",
    `The following files could not be fixed after ${attempts} attempt(s) with Gemini. Each original was put back, byte for byte.`,
    "",
    ...failed.map(
      (f) =>
        `- \`${f.path}\`${f.rules.length ? ` (${f.rules.join(", ")})` : ""}: ${f.attempts[f.attempts.length - 1]?.error ?? "failed"}`,
    ),
    "",
    "## Failed Files",
  ];
  const contextFiles = input.report?.contextFiles.map((c) => c.path) ?? [];
  for (const [i, file] of failed.entries()) {
    out.push("", `### ${i + 1}. ${file.path}`, "", `**Original Issue**: ${originalIssue(input.report, file.path)}`, "");
    for (const attempt of file.attempts)
      out.push(`**Attempt ${attempt.attempt} Error**: ${attempt.error ?? "(none recorded)"}`);
    const last = file.attempts[file.attempts.length - 1];
    const outputs = file.attempts.map((a) => readOr(a.error_details_file, input, a.error ?? ""));
    out.push(
      "",
      `**Error Details from Attempt ${last?.attempt ?? 1}**:`,
      fenced(errorDetails(file.path, last, outputs[outputs.length - 1] ?? "")),
    );
    const logs = last?.verify.after.filter((run) => !run.passed).map((run) => `\`${run.log_file}\``) ?? [];
    if (logs.length > 0) out.push(`(the full output: ${logs.join(", ")})`);
    const withCode = lastWithCode(file.attempts);
    out.push("", "**Gemini's Last Attempt**:");
    if (withCode) {
      const code = readOr(withCode.candidate_file, input, "(the file is no longer there)");
      out.push(
        `(attempt ${withCode.attempt}, \`${withCode.candidate_file}\`${withCode.patch_file ? `; its diff: \`${withCode.patch_file}\`` : ""})`,
        fenced(code, ""),
      );
    } else out.push("(no usable code came back)");
    const missing = findMissingContext(outputs, { projectRoot: input.projectRoot, contextFiles });
    const lines = [
      ...missing.modules.map((m) => `- the module \`${m}\`, which the errors say cannot be found`),
      ...missing.names.map((n) => `- where \`${n}\` is defined`),
      ...missing.files.map((f) => `- \`${f}\` (in the traceback, not among the report's context files)`),
    ];
    out.push(
      "",
      "**Context That May Be Missing**:",
      ...(lines.length > 0
        ? lines
        : ["- nothing specific stands out in the errors; the files the failing checks exercise may help"]),
    );
  }
  out.push("", "## Recommended Approach", "");
  for (const file of failed) out.push(`- \`${file.path}\`:`, recommendation(file, input.fixHints));
  return `${out.join("\n")}\n`;
}
