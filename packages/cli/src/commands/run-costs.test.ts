import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCosts } from "./run-costs.js";

function ledger(lines: string[]): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "gembatch-costs-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "tmp", "ledger.jsonl");
  mkdirSync(path.dirname(file));
  writeFileSync(file, `${lines.join("\n")}\n`);
  return { dir, file };
}

const call = (time: string, command: string, cost: number | null) =>
  JSON.stringify({
    time,
    command,
    model: "gemini-flash-latest",
    model_version: "gemini-3.8-flash",
    prompt_tokens: 1000,
    cached_tokens: 0,
    output_tokens: 100,
    thinking_tokens: 0,
    total_tokens: 1100,
    cost,
  });

describe("runCosts", () => {
  it("sums the calls of the days in range, counts unpriced ones apart, and warns once about unreadable lines", async () => {
    const { dir, file } = ledger([
      call("2026-11-20T10:00:00Z", "send", 0.25),
      "{not json",
      call("2026-11-21T10:00:00Z", "submit", 0.5),
      call("2026-11-21T23:59:59Z", "send", null),
      call("2026-11-22T00:00:00Z", "send", 2),
    ]);
    const warnings: string[] = [];
    const result = await runCosts(
      { ledgerFile: file, cwd: dir, since: "2026-11-21", until: "2026-11-21" },
      { warn: (m) => void warnings.push(m) },
    );
    expect(result).toMatchObject({
      success: true,
      ledger_file: path.join("tmp", "ledger.jsonl"),
      calls: 2,
      total_cost: 0.5,
      unpriced_calls: 1,
      bad_lines: [2],
    });
    expect(result.by_day.map((g) => g.key)).toEqual(["2026-11-21"]);
    expect(result.by_command.map((g) => [g.key, g.calls])).toEqual([
      ["send", 1],
      ["submit", 1],
    ]);
    expect(warnings).toEqual([`${path.join("tmp", "ledger.jsonl")}: 1 unreadable line(s) skipped (first: line 2)`]);
  });
});
