import path from "node:path";
import { CliError, escapeForTerminal, toCliError } from "@gembatch/core";
import type { CompiledRule, Finding, ScanReportSummary } from "@gembatch/scan";
import { chooseFence } from "./fences.js";
import { languageFor } from "./language.js";
import { readFlaggedFile } from "./project-text.js";
import { buildReport, reportFileName, writeReport } from "./write-report.js";

interface ReportsForFindingsOptions {
  root: string;
  /** Where `fix_<rule>.md` files go (absolute). */
  issuesDir: string;
  findings: Finding[];
  rules: CompiledRule[];
  project: string;
  tokenLimit: { limit: number; source: string };
  includeImports?: boolean;
  /** Paths in the summaries are made relative to this directory. */
  cwd: string;
  /** Told about each flagged file that is set aside. */
  warn?: (message: string) => void;
}

/** `logger-bind` → `logger_bind`, the seed's issue naming. */
export function issueNameForRule(ruleId: string): string {
  return ruleId.replace(/[-.]/g, "_");
}

function numbered(finding: Finding): string[] {
  const first = finding.line - finding.context.before.length;
  const lines = [...finding.context.before, finding.context.line, ...finding.context.after];
  const width = String(first + lines.length - 1).length;
  return lines.map(
    (text, i) => `${String(first + i).padStart(width)} ${first + i === finding.line ? ">" : "|"} ${text}`,
  );
}

/** The Issue Details of a rule's report: what is wrong, how to fix it, and every finding with its lines. */
function detailsForFindings(
  rule: Pick<CompiledRule, "id" | "message" | "severity" | "fixHint" | "description">,
  findings: Finding[],
): string {
  const files = [...new Set(findings.map((f) => f.file))];
  const out = [`Rule \`${rule.id}\` (${rule.severity}): ${rule.message}.`];
  if (rule.description && rule.description !== rule.message) out.push("", rule.description);
  if (rule.fixHint) out.push("", `How to fix: ${rule.fixHint}`);
  out.push("", `Findings: ${findings.length} in ${files.length} file(s). Fix every one of them; change nothing else.`);
  for (const file of files) {
    out.push("", `### ${file}`);
    for (const finding of findings.filter((f) => f.file === file)) {
      const snippet = numbered(finding);
      const fence = chooseFence(snippet.join("\n"));
      out.push(
        "",
        `- line ${finding.line}, column ${finding.column}: \`${finding.match.replace(/`/g, "'")}\``,
        "",
        `${fence}${languageFor(file)}`,
        ...snippet,
        fence,
      );
    }
  }
  return out.join("\n");
}

/**
 * One report per rule with findings (`scan --report`); a report that cannot be written is returned as a failure, the
 * rest still are.
 */
export async function writeReportsForFindings(options: ReportsForFindingsOptions): Promise<ScanReportSummary[]> {
  const summaries: ScanReportSummary[] = [];
  for (const rule of options.rules) {
    const flagged = options.findings.filter((f) => f.rule === rule.id);
    if (flagged.length === 0) continue;
    const issue = issueNameForRule(rule.id);
    // A file that cannot be sent is set aside on its own; the rule's other files still get their report.
    const setAside: Array<{ file: string; reason: string }> = [];
    for (const file of new Set(flagged.map((f) => f.file))) {
      const read = readFlaggedFile(options.root, file);
      if (!("problem" in read)) continue;
      setAside.push({ file, reason: read.problem });
      options.warn?.(escapeForTerminal(`${file}: set aside, not in the ${issue} report: ${read.problem}`));
    }
    const findings = flagged.filter((f) => !setAside.some((s) => s.file === f.file));
    const files = [...new Set(findings.map((f) => f.file))];
    const aside = setAside.length > 0 ? { set_aside: setAside } : {};
    if (files.length === 0) {
      summaries.push({
        rule: rule.id,
        issue,
        success: false,
        files_to_fix: 0,
        error: { code: "BAD_INPUT", message: `${issue}: every flagged file was set aside` },
        ...aside,
      });
      continue;
    }
    try {
      const built = buildReport({
        root: options.root,
        cwd: options.root,
        issue,
        filesToFix: files,
        includeImports: options.includeImports ?? false,
        details: detailsForFindings(rule, findings),
        project: options.project,
        task: `Fix every \`${rule.id}\` finding in the files to fix`,
        tokenLimit: options.tokenLimit,
      });
      const file = path.join(options.issuesDir, reportFileName(issue));
      await writeReport(file, built.text);
      for (const skipped of built.skipped) options.warn?.(skipped);
      summaries.push({
        rule: rule.id,
        issue,
        success: true,
        report_file: path.relative(options.cwd, file) || file,
        files_to_fix: files.length,
        total_tokens: built.totalTokens,
        ...aside,
      });
    } catch (error) {
      const cliError = error instanceof CliError ? error : toCliError(error);
      summaries.push({
        rule: rule.id,
        issue,
        success: false,
        files_to_fix: files.length,
        error: { code: cliError.code, message: cliError.message, ...(cliError.hint ? { hint: cliError.hint } : {}) },
        ...aside,
      });
    }
  }
  return summaries;
}
