import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { inputLines, writeInputFiles } from "./batch-jobs.js";
import { batchOptions } from "./batch-options.js";

const row = (key: string, size = 10) => ({
  key,
  request: { contents: [{ role: "user", parts: [{ text: "x".repeat(size) }] }] },
});
const keysIn = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((name) =>
      readFileSync(path.join(dir, name), "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { key: string }).key),
    );

describe("batch input files", () => {
  it("split at the request limit and at the byte limit, never renumbering files already written", () => {
    const dir = path.join(tempTree(), "inputs");
    writeInputFiles(
      dir,
      ["a", "b", "c", "d", "e"].map((k) => row(k)),
      { maxBytes: 10_000, maxRequests: 2 },
    );
    expect(keysIn(dir)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    const line = Buffer.byteLength(`${JSON.stringify(row("f", 100))}\n`);
    writeInputFiles(
      dir,
      ["f", "g", "h"].map((k) => row(k, 100)),
      { maxBytes: line * 2, maxRequests: 100 },
    );
    expect(readdirSync(dir).sort()).toEqual([
      "batch_0001.jsonl",
      "batch_0002.jsonl",
      "batch_0003.jsonl",
      "batch_0004.jsonl",
      "batch_0005.jsonl",
    ]);
    expect(keysIn(dir).slice(3)).toEqual([["f", "g"], ["h"]]);
    expect(inputLines(dir, new Set(["c", "h"])).map((r) => r.key)).toEqual(["c", "h"]);
  });

  it("refuse a single request larger than an input file may be, naming its key", () => {
    const dir = path.join(tempTree(), "inputs");
    expect(() => writeInputFiles(dir, [row("big", 500)], { maxBytes: 100, maxRequests: 10 })).toThrow(
      /batch: the request for key big is \d+ bytes, above the 100-byte input file limit/,
    );
  });

  it("the batch flags that only make sense together are checked", () => {
    expect(() => batchOptions({ resubmit_missing: true })).toThrow(/resubmit_missing: only with resume/);
    expect(() => batchOptions({ via: "batch", resume: true })).toThrow(
      /via: a resume continues the run the way it started/,
    );
    expect(batchOptions({ via: "batch", wait: true, poll_interval: 0.5 })).toEqual({
      via: "batch",
      wait: true,
      pollIntervalMs: 500,
    });
  });
});
