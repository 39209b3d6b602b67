import { appendFileSync, closeSync, createReadStream, existsSync, mkdirSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { CliError } from "../errors.js";
import { redactSecrets } from "../log/redact.js";

const LedgerRecordSchema = z.object({
  time: z.string(),
  command: z.string(),
  model: z.string(),
  model_version: z.string().nullable().optional(),
  operation: z.string().optional(),
  batch: z.boolean().optional(),
  prompt_tokens: z.number(),
  cached_tokens: z.number(),
  output_tokens: z.number(),
  thinking_tokens: z.number(),
  total_tokens: z.number(),
  cost: z.number().nullable(),
  run: z.string().optional(),
});

export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;

const checkedLedgers = new Set<string>();

/**
 * A file that exists must already be a ledger before a line is appended to it: a careless ledger_file
 * naming a source file gets an error, not JSON lines at its end.
 */
function checkIsLedger(file: string): void {
  if (checkedLedgers.has(file)) return;
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(4096);
    const first = head
      .subarray(0, readSync(fd, head, 0, head.length, 0))
      .toString("utf8")
      .split("\n", 1)[0]!
      .trim();
    let ok = first === "";
    try {
      ok ||= LedgerRecordSchema.safeParse(JSON.parse(first)).success;
    } catch {
      ok = false;
    }
    if (!ok)
      throw new CliError(
        "BAD_INPUT",
        `ledger_file: ${path.basename(file)} is not a gembatch cost ledger; nothing was appended to it`,
        { hint: "point ledger_file at a new .jsonl file (default tmp/gembatch_cost_ledger.jsonl)" },
      );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  checkedLedgers.add(file);
}

/** Append one record; a single appendFileSync of a whole line keeps the file parseable after a kill. */
export function appendLedger(file: string, record: LedgerRecord): void {
  mkdirSync(path.dirname(file), { recursive: true });
  checkIsLedger(file);
  appendFileSync(file, `${redactSecrets(JSON.stringify(record))}\n`);
}

interface LedgerReadResult {
  records: LedgerRecord[];
  /** 1-based line numbers that were not valid records (kept, reported, never fatal). */
  badLines: number[];
}

export async function readLedger(file: string): Promise<LedgerReadResult> {
  const records: LedgerRecord[] = [];
  const badLines: number[] = [];
  if (!existsSync(file)) return { records, badLines };
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === "") continue;
    try {
      const parsed = LedgerRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
      else badLines.push(n);
    } catch {
      badLines.push(n);
    }
  }
  return { records, badLines };
}

export interface CostGroup {
  key: string;
  calls: number;
  prompt_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost: number;
  /** Calls whose cost is unknown (model without a price); their tokens still count. */
  unpriced_calls: number;
}

type GroupBy = "day" | "model" | "command";

function keyOf(record: LedgerRecord, by: GroupBy): string {
  if (by === "day") return record.time.slice(0, 10);
  if (by === "model") return record.model_version ?? record.model;
  return record.command;
}

export function summarizeLedger(records: LedgerRecord[], by: GroupBy): CostGroup[] {
  const groups = new Map<string, CostGroup>();
  for (const record of records) {
    const key = keyOf(record, by);
    const group = groups.get(key) ?? {
      key,
      calls: 0,
      prompt_tokens: 0,
      output_tokens: 0,
      cached_tokens: 0,
      cost: 0,
      unpriced_calls: 0,
    };
    group.calls += 1;
    group.prompt_tokens += record.prompt_tokens;
    group.output_tokens += record.output_tokens;
    group.cached_tokens += record.cached_tokens;
    if (record.cost === null) group.unpriced_calls += 1;
    else group.cost = Math.round((group.cost + record.cost) * 1e12) / 1e12;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
}
