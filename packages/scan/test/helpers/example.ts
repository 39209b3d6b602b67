import { readFileSync } from "node:fs";
import path from "node:path";
import { parseScanConfig } from "../../src/rules/load.js";
import type { ScanConfig } from "../../src/rules/schema.js";

/** The `scan` section of a project's gembatch.config.json. */
export function readScanConfigFile(root: string): ScanConfig {
  const raw = JSON.parse(readFileSync(path.join(root, "gembatch.config.json"), "utf8")) as { scan?: unknown };
  return parseScanConfig(raw.scan);
}
