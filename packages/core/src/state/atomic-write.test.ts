import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createUniqueDir, writeFileAtomically, writeFileAtomicallySync } from "./atomic-write.js";

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

describe("the one atomic write, sync and async", () => {
  const variants = [
    ["async", writeFileAtomically],
    [
      "sync",
      (...args: Parameters<typeof writeFileAtomicallySync>) =>
        Promise.resolve().then(() => writeFileAtomicallySync(...args)),
    ],
  ] as const;

  it.each(variants)("%s: leaves no temp file behind when a step fails", async (_, write) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-atomic-"));
    mkdirSync(path.join(dir, "taken"));
    await expect(write(path.join(dir, "taken"), "x")).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["taken"]);
  });

  it.each(variants)("%s: replaces a symlink at the target instead of writing through it", async (_, write) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-atomic-"));
    writeFileSync(path.join(dir, "outside.txt"), "keep\n");
    symlinkSync(path.join(dir, "outside.txt"), path.join(dir, "link.txt"));
    await write(path.join(dir, "link.txt"), "new\n");
    expect(readFileSync(path.join(dir, "outside.txt"), "utf8")).toBe("keep\n");
    expect(lstatSync(path.join(dir, "link.txt")).isFile()).toBe(true);
    expect(readFileSync(path.join(dir, "link.txt"), "utf8")).toBe("new\n");
  });

  it.each(variants)("%s: keeps the mode of the file it replaces unless told one", async (_, write) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-atomic-"));
    const file = path.join(dir, "run.sh");
    writeFileSync(file, "old\n", { mode: 0o750 });
    chmodSync(file, 0o750);
    await write(file, "new\n");
    expect(statSync(file).mode & 0o777).toBe(0o750);
    await write(file, "newer\n", { mode: 0o600 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
