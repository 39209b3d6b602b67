export { runApply, FAILURE_REPORT_FILE, APPLY_SUMMARY_FILE, type ApplyOptions } from "./run-apply.js";
export { runScanAndFix } from "./scan-and-fix/run-scan-and-fix.js";
export { parseShard, shardOf, inShard, formatShard, type Shard } from "./scan-and-fix/shard.js";
export { renderSummaryMarkdown } from "./scan-and-fix/summary.js";
export { stopExitCode } from "./apply-command.js";
export { readExtraction, viewFromContext, type Candidate, type ExtractionView } from "./candidates.js";
export {
  createVerifier,
  verifyReport,
  type Verifier,
  type VerifyReport,
  type VerifyRunSummary,
} from "./verify/verifier.js";
export { runCommand, type CommandRun } from "./verify/run-command.js";
export { prepareCommand, shellQuote, type PreparedCommand } from "./verify/prepare.js";
export { compareRuns, failureSignature, type NewFailure } from "./verify/compare.js";
export { trimOutput } from "./verify/trim.js";
export { extractEvidence, cleanOutput } from "./verify/evidence/extract.js";
export {
  renderVerifyEvidence,
  shortEvidence,
  RETRY_EVIDENCE_TOKENS,
  REPORT_EVIDENCE_TOKENS,
} from "./verify/evidence/verify-evidence.js";
export type { Evidence, Failure, SourceLocation } from "./verify/evidence/types.js";
export { createRuleChecker, checkFindingGone, ruleFromDetails, type RuleChecker } from "./rescan.js";
export { renderFailureReport, originalIssue } from "./failure-report.js";
export { renderRetryReport, previousAttemptSection } from "./retry-report.js";
export { unifiedDiff, patchStats } from "./patch.js";
export { createCostTracker, type CostTracker } from "./costs.js";
export { ESCALATION_INSTRUCTION, ANALYSIS_FILE } from "./escalate.js";
export type { ApplyDeps, ApplyFileResult, ApplyResult, ModelSettings, SendingDeps } from "./types.js";
export type { ScanAndFixOptions, ScanAndFixResult } from "./scan-and-fix/types.js";
export type { ApplyState, FileState, AttemptRecord, FileStatus, StopReason } from "./state.js";
