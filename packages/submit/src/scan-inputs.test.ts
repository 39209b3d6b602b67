import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanInputs } from "./inputs.js";
import { workspace } from "../test/helpers/setup.js";

const line = (key: string, text = "hello") => JSON.stringify({ key, request: { contents: [{ parts: [{ text }] }] } });

describe("scanInputs", () => {
  it("reads a small file whole and a big one as a stream with the same lines, hashes, counts and problem positions", async () => {
    const dir = path.join(workspace(), "batches");
    mkdirSync(dir);
    // \n, \r\n and a lone \r all end a line; blank lines count toward line numbers; no newline at the end.
    writeFileSync(path.join(dir, "a.jsonl"), `${line("a1")}\r\n\n${line("a2", "héllo")}\rnot json\n${line("a1")}`);
    writeFileSync(path.join(dir, "b.jsonl"), `${line("b1", "x".repeat(70_000))}\n\n`);
    writeFileSync(path.join(dir, "c.jsonl"), "\n\n");
    const files = ["a.jsonl", "b.jsonl", "c.jsonl"];
    const whole = await scanInputs(dir, files);
    const streamed = await scanInputs(dir, files, 20, 0);
    expect(streamed).toEqual(whole);
    expect(whole.problems).toEqual([
      "a.jsonl:4: not valid JSON",
      'a.jsonl:5: key "a1" already used at a.jsonl:1',
      "c.jsonl: no requests",
    ]);
    expect(whole.files.map((f) => [f.requests, f.estimated_tokens])).toEqual([
      [2, 3],
      [1, 17_500],
      [0, 0],
    ]);
  });
});
