import path from "node:path";
import { z } from "zod";
import { defineCommand, type CostGroup } from "@gembatch/core";
import type { CostsResult } from "./run-costs.js";

const schema = z
  .object({
    since: z.iso.date().optional(),
    until: z.iso.date().optional(),
    ledger_file: z.string().min(1).optional(),
  })
  .strict();

export type { CostsResult } from "./run-costs.js";

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
  async run(input, ctx): Promise<CostsResult> {
    const { runCosts } = await import("./run-costs.js");
    return runCosts(
      {
        ledgerFile: input.ledger_file ? path.resolve(ctx.cwd, input.ledger_file) : ctx.config.ledgerFile,
        cwd: ctx.cwd,
        ...(input.since ? { since: input.since } : {}),
        ...(input.until ? { until: input.until } : {}),
      },
      { warn: (message) => ctx.warn(message) },
    );
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
