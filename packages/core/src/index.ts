export { toCliError, firstLine, ExitCode, type ExitCodeValue, type ErrorCode, CliError } from "./errors.js";
export { createManualClock, localStamp, type Clock, systemClock } from "./clock.js";
export { progressMode, createProgress, type Progress, type ProgressMode, type ProgressListener } from "./progress.js";
export { defineCommand, type OptionSpec, type CommandContext, type CommandDefinition } from "./cli/define-command.js";
export { formatZodError, parseOrThrow } from "./cli/validation.js";
export { assembleInput, executeCommand, type Io, type Outcome } from "./cli/execute.js";
export { runProgram, type NativeCommandIo, type LazyCommand } from "./cli/program.js";
export { runMain } from "./cli/entry.js";
export type { RateLimits } from "./config/schema.js";
export { findProjectRoot, loadConfig, parseConfigJson, type ResolvedConfig } from "./config/load.js";
export { acquireLock } from "./state/lock.js";
export { createStateStore, type StateStore } from "./state/state-store.js";
export { redactSecrets, redactDeep, REDACTED, API_KEY_ENV_NAMES } from "./log/redact.js";
export { createEventLog, type EventLog } from "./log/event-log.js";
export { appendLedger, readLedger, summarizeLedger, type LedgerRecord, type CostGroup } from "./ledger/ledger.js";
export {
  resolveModel,
  periodAt,
  tokenCounts,
  computeCost,
  cacheStorageCost,
  estimateRequestCost,
  roundUsd,
  type UsageMetadata,
  type Pricing,
  defaultPricing,
  createPricing,
} from "./pricing/cost.js";
export { clientOptionsFrom, createGeminiClient } from "./gemini/client.js";
export { responseText, generateContent, type GenerateDeps } from "./gemini/generate.js";
export { parseGoogleErrorBody, classifyError } from "./retry/classify.js";
export { withRetry, type RetryPolicy, defaultRetryPolicy, type RetryEvent, type RetryOutcome } from "./retry/retry.js";
export { createRateLimiter, type RateLimiter } from "./retry/rate-limiter.js";
export { estimateTokens } from "./pricing/tokens.js";
export {
  writeFileAtomically,
  writeFileAtomicallySync,
  commitFileSync,
  appendTextFile,
  createUniqueDir,
} from "./state/atomic-write.js";
export {
  isInsideDir,
  guardProjectPath,
  isSafeProjectPath,
  readProjectFile,
  writeProjectFile,
} from "./safety/project-path.js";
export { checkReplyText, checkReplyBytes, escapeForTerminal, type TextProblem } from "./safety/text.js";
export { activeProjectSession, openProjectSession } from "./safety/project-lock.js";
export { journalEdit, settleEdit } from "./safety/edit-journal.js";
export { recordChild } from "./safety/child-registry.js";
export { killProcessGroup, processAlive } from "./safety/processes.js";
export { modelLimits } from "./models/catalog.js";
export { retirementOf, checkRetirement, allowRetiredFrom } from "./models/retirement.js";
export {
  resolveGenerationSettings,
  settingsForModel,
  settingsFromContext,
  generationFields,
  type GenerationInput,
  type ThinkingSetting,
  type GenerationSettings,
} from "./models/settings.js";
export {
  thinkingConfigFor,
  sizeMaxTokens,
  tooLargeFor,
  raisedMaxTokens,
  REPLY_MARGIN,
  type TooLarge,
} from "./models/reply-size.js";
export { generationOptions } from "./models/generation-options.js";
