export { runSend, DEFAULTS } from "./run-send.js";
export { sendExitCode, buildSummary } from "./summary.js";
export { renderSend } from "./render.js";
export { assessReply, type ReplyAssessment } from "./reply.js";
export { chooseFence, languageFor } from "./fence.js";
export {
  SYSTEM_INSTRUCTION,
  buildRequest,
  fileInstructions,
  continuationInstruction,
  startMarker,
  endMarker,
  type BuiltRequest,
} from "./prompt.js";
export { cacheMinTokens, shouldCache, CACHE_MIN_TOKENS } from "./cache.js";
export { createBudget, type Budget } from "./budget.js";
export { fileNames, stemOf, SUMMARY_FILE, LOG_FILE, DRY_RUN_FILE, PARTS_DIR } from "./run-dir.js";
export { JOBS_FILE } from "./batch-job.js";
export { readSendMetas, FileMetaSchema } from "./meta-file.js";
export type {
  CacheSummary,
  DryRunFile,
  FileMeta,
  FileResult,
  NotSent,
  SendDeps,
  SendOptions,
  SendResult,
  StopReason,
  UsageSummary,
  Via,
} from "./types.js";
export {
  prepareBatchRequests,
  recordBatchReplies,
  DETACHED_PLAN_FILE,
  type BatchReply,
  type DetachedRequest,
} from "./detached.js";
