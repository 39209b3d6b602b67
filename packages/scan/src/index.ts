export { RuleSpecSchema } from "./rules/schema.js";
export { compileRule, type CompiledRule } from "./rules/compile.js";
export { parseScanConfig, parseBuiltinRules, loadRules } from "./rules/load.js";
export { toPosix, isInside } from "./walk.js";
export { scanText, type Finding } from "./scan-file.js";
export { runScan, DEFAULT_MAX_FILE_BYTES } from "./run-scan.js";
export type { ScanReportSummary } from "./scan-result.js";
