export { chooseFence } from "./fences.js";
export { readProjectText, readNamedText, readFlaggedFile } from "./project-text.js";
export { renderReport } from "./render-report.js";
export { parseReport, type ParsedReport } from "./parse-report.js";
export { tokenLimitFor, buildReport, writeReport } from "./write-report.js";
export { issueNameForRule, writeReportsForFindings } from "./from-findings.js";
export { runReport, type ReportResult, type RunReportDeps, type RunReportOptions } from "./run-report.js";
