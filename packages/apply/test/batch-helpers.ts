import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { LOGGER_BIND_FILES, read } from "./helpers/example.js";
import type { LedgerRecord } from "@gembatch/core";
import type { ScanAndFixResult } from "../src/index.js";

/** What the batch e2e tests share: the example project's files and readers of a run's result and ledger. */
export const SERVICE = "orders/service.py";
export const PAYMENTS = "orders/payments.py";
export const NOTIFICATIONS = "orders/notifications.py";

export type Result = ScanAndFixResult;

export const statuses = (result: Result) =>
  Object.fromEntries(result.files.map((f) => [f.path, `${f.status}/${f.attempts}`]));

export const originals = (root: string) => Object.fromEntries(LOGGER_BIND_FILES.map((f) => [f, read(root, f)]));

export function ledger(root: string): LedgerRecord[] {
  const file = path.join(root, "tmp", "gembatch_cost_ledger.jsonl");
  return existsSync(file)
    ? readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as LedgerRecord)
    : [];
}

/**
 * A script entry that answers batch rows only: a sync call gets the emulator's default reply and shows in the counts.
 */
export function batchOnly<E extends { match: Record<string, unknown> }>(entry: E): E {
  return { ...entry, match: { ...entry.match, route: "batch" } };
}
