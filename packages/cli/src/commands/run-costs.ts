import path from "node:path";
import { readLedger, summarizeLedger, type CostGroup, type LedgerRecord } from "@gembatch/core";

export interface RunCostsOptions {
  /** Absolute. */
  ledgerFile: string;
  /** Paths in the result and warnings are relative to it. */
  cwd: string;
  /** UTC days, YYYY-MM-DD, both included. */
  since?: string;
  until?: string;
}

export interface RunCostsDeps {
  warn(message: string): void;
}

export interface CostsResult {
  success: boolean;
  ledger_file: string;
  calls: number;
  total_cost: number;
  unpriced_calls: number;
  by_day: CostGroup[];
  by_model: CostGroup[];
  by_command: CostGroup[];
  bad_lines: number[];
  warnings?: string[];
}

/** `gembatch costs`: the ledger's calls in the date range, summed by day, model and command. */
export async function runCosts(options: RunCostsOptions, deps: RunCostsDeps): Promise<CostsResult> {
  const file = options.ledgerFile;
  const { records, badLines } = await readLedger(file);
  if (badLines.length > 0)
    deps.warn(
      `${path.relative(options.cwd, file)}: ${badLines.length} unreadable line(s) skipped (first: line ${badLines[0]})`,
    );
  const inRange = (r: LedgerRecord) =>
    (!options.since || r.time.slice(0, 10) >= options.since) &&
    (!options.until || r.time.slice(0, 10) <= options.until);
  const chosen = records.filter(inRange);
  const total = summarizeLedger(chosen, "command").reduce((sum, g) => sum + g.cost, 0);
  return {
    success: true,
    ledger_file: path.relative(options.cwd, file) || file,
    calls: chosen.length,
    total_cost: Math.round(total * 1e12) / 1e12,
    unpriced_calls: chosen.filter((r) => r.cost === null).length,
    by_day: summarizeLedger(chosen, "day"),
    by_model: summarizeLedger(chosen, "model"),
    by_command: summarizeLedger(chosen, "command"),
    bad_lines: badLines,
  };
}
