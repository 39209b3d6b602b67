import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createUniqueDir, writeFileAtomically } from "./atomic-write.js";

describe("createUniqueDir", () => {
  it("never hands two runs that start in the same second the same directory", () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), "gembatch-unique-"));
    const dirs = Array.from({ length: 5 }, () => createUniqueDir(parent, "gembatch_apply_20261129_180000"));
    expect(new Set(dirs).size).toBe(5);
    expect(dirs.map((d) => path.basename(d)).sort()).toEqual([
      "gembatch_apply_20261129_180000",
      "gembatch_apply_20261129_180000_2",
      "gembatch_apply_20261129_180000_3",
      "gembatch_apply_20261129_180000_4",
      "gembatch_apply_20261129_180000_5",
    ]);
  });
});

describe("writeFileAtomically", () => {
  it("scrubs text and writes bytes exactly", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-atomic-"));
    const key = "AIzaSyA1234567890abcdefghijklmnopqrstuv";
    await writeFileAtomically(path.join(dir, "a.json"), `{"error": "bad key ${key}"}`);
    expect(readFileSync(path.join(dir, "a.json"), "utf8")).not.toContain(key);
    await writeFileAtomically(path.join(dir, "b.py"), Buffer.from(`KEY = "${key}"\n`));
    expect(readFileSync(path.join(dir, "b.py"), "utf8")).toContain(key);
  });
});
