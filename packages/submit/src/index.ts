export { createBatchApi, type BatchApi, type RemoteJob } from "./api.js";
export { collectResults, type CollectSummary } from "./collect.js";
export { downloadResults, resultFileName, type DownloadOutcome } from "./download.js";
export { displayNameFor, listInputFiles, scanInputs } from "./inputs.js";
export { collectStatus, type StatusSummary } from "./status.js";
export { prepareState, runSubmission, type SubmitOptions, type SubmitRunResult } from "./submit-run.js";
export {
  LOG_FILE,
  REPORT_FILE,
  STATE_FILE,
  SubmissionStateSchema,
  openStateStore,
  type SubmissionState,
} from "./state.js";
export type { SubmitDeps, Limits } from "./context.js";
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
