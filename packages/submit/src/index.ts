export { createBatchApi, type BatchApi } from "./api.js";
export { collectResults } from "./collect.js";
export { downloadResults } from "./download.js";
export { collectStatus } from "./status.js";
export { prepareState, runSubmission, type SubmitRunResult } from "./submit-run.js";
export { LOG_FILE, STATE_FILE, openStateStore, type SubmissionState } from "./state.js";
export type { SubmitDeps } from "./context.js";
export { coalesceSaves } from "./deps.js";
export { shortState } from "./state.js";
export { runStatus, type RunStatusOptions, type StatusResult } from "./run-status.js";
export {
  runCollect,
  runDownload,
  type CollectResult,
  type DownloadResult,
  type RunCollectOptions,
  type RunDownloadOptions,
} from "./run-results.js";
export { runCancel, type CancelOutcome, type CancelResult, type RunCancelOptions } from "./run-cancel.js";
