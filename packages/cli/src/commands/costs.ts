import path from "node:path";
import { z } from "zod";
import { defineCommand, readLedger, summarizeLedger, type CostGroup, type LedgerRecord } from "@gembatch/core";

const schema = z
  .object({
    since: z.iso.date().optional(),
    until: z.iso.date().optional(),
    ledger_file: z.string().min(1).optional(),
  })
  .strict();

interface CostsResult {
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

function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && value < 0.01 ? 6 : 4)}`;
}

function table(title: string, groups: CostGroup[]): string {
  if (groups.length === 0) return "";
  const rows = groups.map((g) => [
    g.key,
    String(g.calls),
    String(g.prompt_tokens),
    String(g.cached_tokens),
    String(g.output_tokens),
    usd(g.cost) + (g.unpriced_calls ? ` (+${g.unpriced_calls} unpriced)` : ""),
  ]);
  const header = [title, "calls", "input", "cached", "output", "cost"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

export const costsCommand = defineCommand({
  name: "costs",
  summary: "Show what Gemini calls cost, by day, model and command (from the cost ledger)",
  options: [
    { key: "since", type: "string", valueName: "YYYY-MM-DD", description: "only calls on or after this UTC day" },
    { key: "until", type: "string", valueName: "YYYY-MM-DD", description: "only calls on or before this UTC day" },
    {
      key: "ledger_file",
      type: "string",
      valueName: "path",
      description:
        "ledger to read (default: <project root>/tmp/gembatch_cost_ledger.jsonl; outside a project, the user-level ledger)",
    },
  ],
  examples: ["gembatch costs", "gembatch costs --since 2026-11-01 --json", `gembatch costs '{"since": "2026-11-01"}'`],
  schema,
  async run(input, ctx) {
    const file = input.ledger_file ? path.resolve(ctx.cwd, input.ledger_file) : ctx.config.ledgerFile;
    const { records, badLines } = await readLedger(file);
    if (badLines.length > 0)
      ctx.warn(
        `${path.relative(ctx.cwd, file)}: ${badLines.length} unreadable line(s) skipped (first: line ${badLines[0]})`,
      );
    const inRange = (r: LedgerRecord) =>
      (!input.since || r.time.slice(0, 10) >= input.since) && (!input.until || r.time.slice(0, 10) <= input.until);
    const chosen = records.filter(inRange);
    const total = summarizeLedger(chosen, "command").reduce((sum, g) => sum + g.cost, 0);
    return {
      success: true,
      ledger_file: path.relative(ctx.cwd, file) || file,
      calls: chosen.length,
      total_cost: Math.round(total * 1e12) / 1e12,
      unpriced_calls: chosen.filter((r) => r.cost === null).length,
      by_day: summarizeLedger(chosen, "day"),
      by_model: summarizeLedger(chosen, "model"),
      by_command: summarizeLedger(chosen, "command"),
      bad_lines: badLines,
    } satisfies CostsResult;
  },
  renderText(result) {
    if (result.calls === 0) return `No Gemini calls recorded in ${result.ledger_file} yet.`;
    const unpriced = result.unpriced_calls
      ? ` (${result.unpriced_calls} call(s) on models without a known price are not included)`
      : "";
    return [
      table("day", result.by_day),
      "",
      table("model", result.by_model),
      "",
      table("command", result.by_command),
      "",
      `Total: ${usd(result.total_cost)} over ${result.calls} call(s)${unpriced}.`,
    ].join("\n");
  },
});
