export { startEmulator, type Emulator } from "./server.js";
export type { EmulatorOptions } from "./config.js";
export { EmulatorConfigError } from "./config-error.js";
export {
  createManualClock,
  createScaledClock,
  type ClockInput,
  type EmulatorClock,
  type ManualClock,
  type ScaledClockOptions,
} from "./clock.js";
export { DEFAULT_REPLY } from "./script.js";
export {
  parseScript,
  FINISH_REASONS,
  type Reply,
  type ReplyEntry,
  type Script,
  type ScriptInput,
} from "./script-schema.js";
export {
  parseFaults,
  FAULT_KINDS,
  type FaultKind,
  type FaultRuleInput,
  type FaultStepInput,
  type FaultsInput,
} from "./faults.js";
export { parseQuotas, type QuotaInput, type ModelQuotaUsage } from "./quotas.js";
export { countTextTokens, MEDIA_PART_TOKENS } from "./tokens.js";
export { ROUTE_NAMES, type RouteName } from "./route-table.js";
export type {
  BatchRecord,
  CacheRecord,
  EmulatorRecord,
  FaultRecord,
  FileRecord,
  GenerateRecord,
  QuotaRejection,
} from "./record.js";
