import { appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@gembatch/test-utils";
import { appendLedger, readLedger, summarizeLedger, type LedgerRecord } from "./ledger.js";

function record(overrides: Partial<LedgerRecord>): LedgerRecord {
  return {
    time: "2026-11-20T10:00:00.000Z",
    command: "send",
    model: "gemini-flash-latest",
    model_version: "gemini-3.8-flash",
    prompt_tokens: 100,
    cached_tokens: 0,
    output_tokens: 10,
    thinking_tokens: 0,
    total_tokens: 110,
    cost: 0.001,
    ...overrides,
  };
}

describe("cost ledger", () => {
  it("sums by day, model and command, counting unpriced calls apart", async () => {
    const file = path.join(tempDir(), "ledger.jsonl");
    appendLedger(file, record({}));
    appendLedger(file, record({ time: "2026-11-21T09:00:00.000Z", cost: 0.002 }));
    appendLedger(file, record({ command: "submit", model_version: "gemini-9", cost: null }));
    appendFileSync(file, "{not json\n");
    const { records, badLines } = await readLedger(file);
    expect(badLines).toEqual([4]);
    expect(summarizeLedger(records, "day").map((g) => [g.key, g.calls, g.cost])).toEqual([
      ["2026-11-20", 2, 0.001],
      ["2026-11-21", 1, 0.002],
    ]);
    expect(summarizeLedger(records, "model").map((g) => [g.key, g.calls, g.unpriced_calls])).toEqual([
      ["gemini-3.8-flash", 2, 0],
      ["gemini-9", 1, 1],
    ]);
    expect(summarizeLedger(records, "command").map((g) => [g.key, g.cost])).toEqual([
      ["send", 0.003],
      ["submit", 0],
    ]);
  });
});

describe("appendLedger on a file that is not a ledger", () => {
  it("refuses to append to a source file and leaves it byte for byte", async () => {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const file = path.join(tempDir(), "service.py");
    writeFileSync(file, "def main():\n    pass\n");
    const record = {
      time: "2026-11-29T00:00:00Z",
      command: "send",
      model: "m",
      prompt_tokens: 1,
      cached_tokens: 0,
      output_tokens: 1,
      thinking_tokens: 0,
      total_tokens: 2,
      cost: 0,
    };
    expect(() => appendLedger(file, record)).toThrow(/ledger_file: service\.py is not a gembatch cost ledger/);
    expect(readFileSync(file, "utf8")).toBe("def main():\n    pass\n");
  });
});
