import type { ScanRun } from "./run-scan.js";
import type { Severity } from "./rules/schema.js";
import type { Finding } from "./scan-file.js";
import type { Skipped } from "./walk.js";

/** One issue report written by `scan --report` (see @gembatch/report). */
export interface ScanReportSummary {
  rule: string;
  issue: string;
  success: boolean;
  report_file?: string;
  files_to_fix: number;
  total_tokens?: number;
  error?: { code: string; message: string; hint?: string };
  /** Flagged files left out of the report because they cannot be sent (not UTF-8, binary, a refused path). */
  set_aside?: Array<{ file: string; reason: string }>;
}

interface ScanSummary {
  total: number;
  by_rule: Record<string, number>;
  by_severity: Record<Severity, number>;
  files_with_findings: number;
  /** Matches silenced by gembatch-ignore comments. */
  suppressed: number;
  /** Matches dropped by their rule's not_nearby pattern. */
  filtered: number;
}

/** The JSON result of `gembatch scan`. */
export interface ScanResult {
  success: boolean;
  /** Absolute project root; every `file` is relative to it. */
  root: string;
  rules_run: string[];
  files_walked: number;
  files_scanned: number;
  findings: Finding[];
  /** Findings before `max_findings` cut the list (after the baseline). */
  findings_total: number;
  findings_truncated: boolean;
  files_by_rule: Record<string, string[]>;
  skipped: Skipped[];
  summary: ScanSummary;
  baseline?: { source: string; kind: "file" | "git"; known: number; new: number };
  /** With --changed-since: only files changed since this ref were scanned. */
  changed_since?: { ref: string; commit: string; files_changed: number };
  sarif_file?: string;
  reports?: ScanReportSummary[];
  fail_on_findings: boolean;
  workers: number;
  duration_ms: number;
  warnings?: string[];
}

function summarize(findings: Finding[], run: Pick<ScanRun, "suppressed" | "filtered">): ScanSummary {
  const byRule: Record<string, number> = {};
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) {
    byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    bySeverity[finding.severity]++;
  }
  return {
    total: findings.length,
    by_rule: byRule,
    by_severity: bySeverity,
    files_with_findings: new Set(findings.map((f) => f.file)).size,
    suppressed: run.suppressed,
    filtered: run.filtered,
  };
}

function filesByRule(findings: Finding[]): Record<string, string[]> {
  const map: Record<string, Set<string>> = {};
  for (const finding of findings) (map[finding.rule] ??= new Set()).add(finding.file);
  return Object.fromEntries(Object.entries(map).map(([rule, files]) => [rule, [...files].sort()]));
}

export function toScanResult(
  run: ScanRun,
  findings: Finding[],
  options: { maxFindings: number; failOnFindings: boolean },
): ScanResult {
  return {
    success: !(options.failOnFindings && findings.length > 0),
    root: run.root,
    rules_run: run.rules.map((rule) => rule.id),
    files_walked: run.files_walked,
    files_scanned: run.files_scanned,
    findings: findings.slice(0, options.maxFindings),
    findings_total: findings.length,
    findings_truncated: findings.length > options.maxFindings,
    files_by_rule: filesByRule(findings),
    skipped: run.skipped,
    summary: summarize(findings, run),
    fail_on_findings: options.failOnFindings,
    workers: run.workers,
    duration_ms: run.duration_ms,
  };
}

const TEXT_ROWS = 200;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

function counted(parts: Record<string, number>): string {
  return Object.entries(parts)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${n} ${key}`)
    .join(", ");
}

/** The human summary: a table of findings, then the totals. */
export function renderScanText(result: ScanResult): string {
  const lines: string[] = [];
  const shown = result.findings.slice(0, TEXT_ROWS);
  if (shown.length > 0) {
    const rows = [["LOCATION", "SEVERITY", "RULE", "MATCH"]];
    for (const f of shown)
      rows.push([`${f.file}:${f.line}:${f.column}`, f.severity, f.rule, f.match.replace(/\s+/g, " ").slice(0, 60)]);
    lines.push(...table(rows));
    const hidden = result.findings_total - shown.length;
    if (hidden > 0) lines.push(`… ${hidden} more finding(s): use --jsonl or --sarif <file> for all of them`);
    lines.push("");
  }
  const s = result.summary;
  const severities = counted(s.by_severity);
  lines.push(
    `${s.total} finding(s)${severities ? ` (${severities})` : ""} in ${s.files_with_findings} file(s); ` +
      `${result.files_scanned} file(s) scanned with ${result.rules_run.length} rule(s) in ${result.duration_ms} ms.`,
  );
  if (s.total > 0) lines.push(`By rule: ${counted(s.by_rule)}.`);
  if (s.suppressed > 0 || s.filtered > 0)
    lines.push(
      `Not reported: ${s.suppressed} suppressed by gembatch-ignore, ${s.filtered} by a rule's not_nearby pattern.`,
    );
  if (result.changed_since)
    lines.push(`Only files changed since ${result.changed_since.ref}: ${result.changed_since.files_changed} file(s).`);
  if (result.baseline)
    lines.push(
      `Baseline ${result.baseline.source}: ${result.baseline.known} known finding(s) hidden, ${result.baseline.new} new.`,
    );
  if (result.skipped.length > 0) {
    const reasons: Record<string, number> = {};
    for (const skip of result.skipped) reasons[skip.reason] = (reasons[skip.reason] ?? 0) + 1;
    lines.push(`Skipped ${result.skipped.length} file(s): ${counted(reasons)}.`);
  }
  if (result.sarif_file) lines.push(`SARIF written to ${result.sarif_file}.`);
  for (const report of result.reports ?? []) {
    lines.push(
      report.success
        ? `Report for ${report.rule}: ${report.report_file} (${report.files_to_fix} file(s), ~${report.total_tokens} tokens)`
        : `Report for ${report.rule} not written: ${report.error?.message}`,
    );
  }
  if (result.fail_on_findings && s.total > 0) lines.push("Failing: --fail-on-findings is set and findings remain.");
  return lines.join("\n");
}
