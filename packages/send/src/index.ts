export { runSend } from "./run-send.js";
export { SYSTEM_INSTRUCTION } from "./prompt.js";
export { shouldCache } from "./cache.js";
export type { DryRunFile, SendDeps, SendResult } from "./types.js";
export { prepareBatchRequests, recordBatchReplies, DETACHED_PLAN_FILE, type BatchReply } from "./detached.js";
