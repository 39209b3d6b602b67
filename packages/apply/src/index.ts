export { runApply } from "./run-apply.js";
export type { ApplyResult } from "./types.js";
export type { ScanAndFixResult } from "./scan-and-fix/types.js";
export { runScanAndFix } from "./scan-and-fix/run-scan-and-fix.js";
export { runCommand } from "./verify/run-command.js";
export { compareRuns } from "./verify/compare.js";
export { trimOutput } from "./verify/trim.js";
export { renderVerifyEvidence, RETRY_EVIDENCE_TOKENS } from "./verify/evidence/verify-evidence.js";
