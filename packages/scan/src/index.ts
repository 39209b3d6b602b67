export { RuleSpecSchema } from "./rules/schema.js";
export { compileRule, type CompiledRule } from "./rules/compile.js";
export { parseScanConfig, parseBuiltinRules, loadRules } from "./rules/load.js";
export { toPosix, isInside } from "./walk.js";
export { scanText, type Finding } from "./scan-file.js";
export { runScan, DEFAULT_MAX_FILE_BYTES, type RunScanOptions, type ScanRun } from "./run-scan.js";
export type { ScanReportSummary, ScanResult } from "./scan-result.js";
export { resolveScanOptions, type ScanPlace, type ScanSettings, type ScanSettingsInput } from "./scan-options.js";
export type { ScanInput } from "./scan-input.js";
export {
  runScanCommand,
  type RuleListResult,
  type RunScanCommandDeps,
  type RunScanCommandOptions,
  type ScanCommandResult,
} from "./run-scan-command.js";
