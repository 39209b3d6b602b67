import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_KEY, emulator, readLog, submit, workspace, writeBatches } from "../test/helpers/setup.js";
import type { LedgerRecord } from "@gembatch/core";

describe("gembatch submit status / download / collect / cancel", () => {
  it("watches jobs to the end, downloads file and inlined results, and collects by key with every problem listed", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({
      script: {
        replies: [
          { match: { key: "b2-r1" }, reply: { text: "partial answ", finishReason: "MAX_TOKENS" } },
          { match: { key: "b3-r2" }, reply: { error: { code: 400, message: "bad row" } } },
          {
            match: { route: "batch" },
            reply: {
              text: "refined",
              usage: { promptTokenCount: 1000, candidatesTokenCount: 100 },
              modelVersion: "gemini-2.5-flash",
            },
          },
        ],
        batches: [{ match: { displayName: "-b0003-" }, output: "inline" }],
      },
    });
    expect((await submit(dir, emu, [])).code).toBe(0);

    const status = await submit(dir, emu, ["status", "--watch", "--interval", "1"]);
    expect(status.code).toBe(0);
    expect(status.json).toMatchObject({
      all_done: true,
      by_state: { SUCCEEDED: 3 },
      requests: { total: 6, succeeded: 5, failed: 1, pending: 0 },
    });

    const download = await submit(dir, emu, ["download"]);
    expect(download.json.downloads.map((d) => `${d.batch}:${d.status}:${d.source}`)).toEqual([
      "1:downloaded:responses_file",
      "2:downloaded:responses_file",
      "3:downloaded:inlined",
    ]);
    const again = await submit(dir, emu, ["download"]);
    expect(again.json.downloads.every((d) => d.status === "already_complete")).toBe(true);
    expect(emu.record.counts["files.download"]).toBe(2);

    // Lose one row of batch 1's results, as a truncated download or a dropped row would.
    const first = path.join(dir, "gemini_batch_results", "batch_0001.jsonl");
    writeFileSync(first, `${readFileSync(first, "utf8").trim().split("\n")[0]}\n`);

    const collect = await submit(dir, emu, ["collect"]);
    expect(collect.code).toBe(1);
    expect(collect.json).toMatchObject({
      requests: 6,
      results: 5,
      succeeded: 3,
      missing_keys: ["b1-r2"],
      truncated_keys: ["b2-r1"],
      failed_keys: ["b3-r2"],
      duplicate_keys: [],
    });
    const merged = readFileSync(path.join(dir, collect.json.output_file), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { key: string });
    expect(merged.find((r) => r.key === "b1-r1")).toMatchObject({
      batch: 1,
      status: "ok",
      text: "refined",
      finish_reason: "STOP",
    });
    expect(merged.find((r) => r.key === "b2-r1")).toMatchObject({ status: "truncated", finish_reason: "MAX_TOKENS" });
    expect(merged.find((r) => r.key === "b3-r2")).toMatchObject({ status: "failed", error: { code: 400 } });
    const resubmit = readFileSync(path.join(dir, collect.json.resubmit_file!), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { key: string }).key)
      .sort();
    expect(resubmit).toEqual(["b1-r2", "b2-r1", "b3-r2"]);
    expect(readLog(dir).some((e) => e.event === "collect_done")).toBe(true);
  });

  it("collect scrubs the API key from a row's error (an error body may echo it)", async () => {
    const dir = workspace();
    writeBatches(dir, 1, 2);
    const emu = await emulator({
      script: {
        replies: [
          { match: { key: "b1-r2" }, reply: { error: { code: 400, message: `gateway refused key ${API_KEY}` } } },
          { match: { route: "batch" }, reply: { text: "refined" } },
        ],
      },
    });
    await submit(dir, emu, []);
    await submit(dir, emu, ["status", "--watch", "--interval", "1"]);
    await submit(dir, emu, ["download"]);
    const collect = await submit(dir, emu, ["collect"]);
    const merged = readFileSync(path.join(dir, collect.json.output_file), "utf8");
    expect(merged).toContain("gateway refused key [REDACTED]");
    expect(merged).not.toContain(API_KEY);
  });

  it("prices collected rows at batch rates from the model that answered", async () => {
    const dir = workspace();
    writeBatches(dir, 1, 2);
    const emu = await emulator({
      script: [
        {
          reply: {
            text: "x",
            usage: { promptTokenCount: 1_000_000, candidatesTokenCount: 100_000 },
            modelVersion: "gemini-2.5-flash",
          },
        },
      ],
    });
    await submit(dir, emu, []);
    await submit(dir, emu, ["status", "--watch", "--interval", "1"]);
    await submit(dir, emu, ["download"]);
    const collect = await submit(dir, emu, ["collect"]);
    expect(collect.code).toBe(0);
    // Two rows × (1M input × $0.15 + 100k output × $1.25) per 1M at 2.5 Flash batch prices.
    expect(collect.json.cost).toBeCloseTo(2 * (0.15 + 0.125), 9);
    expect(collect.json.resubmit_file).toBeNull();
    // The batch's usage reaches the cost ledger once, however often collect runs.
    await submit(dir, emu, ["collect"]);
    const ledger = readFileSync(path.join(dir, "tmp", "gembatch_cost_ledger.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as LedgerRecord);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      command: "submit",
      batch: true,
      prompt_tokens: 2_000_000,
      output_tokens: 200_000,
      model_version: "gemini-2.5-flash",
    });
    expect(ledger[0]!.cost).toBeCloseTo(0.55, 9);
  });

  it("cancels active jobs", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: 60_000, runningMs: 60_000 } });
    await submit(dir, emu, []);
    const cancel = await submit(dir, emu, ["cancel"]);
    expect(cancel.code).toBe(0);
    expect(cancel.json.cancelled.map((c) => c.state)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(emu.record.batches.every((b) => b.cancelled)).toBe(true);
  });
});
