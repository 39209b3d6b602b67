export * from "./rules/schema.js";
export * from "./rules/builtin.js";
export * from "./rules/compile.js";
export * from "./rules/literals.js";
export * from "./rules/load.js";
export * from "./ignore.js";
export * from "./walk.js";
export * from "./match.js";
export * from "./suppress.js";
export * from "./scan-file.js";
export * from "./run-scan.js";
export * from "./sarif.js";
export * from "./baseline.js";
export * from "./scan-result.js";
export { resolveScanOptions, type ScanPlace, type ScanSettings, type ScanSettingsInput } from "./scan-options.js";
export type { ScanInput } from "./scan-input.js";
export {
  runScanCommand,
  type RuleListResult,
  type RunScanCommandDeps,
  type RunScanCommandOptions,
  type ScanCommandResult,
} from "./run-scan-command.js";
