import { existsSync, fstatSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type * as Fs from "node:fs";
import type * as FsPromises from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { commitFileSync, writeFileAtomically, writeFileAtomicallySync } from "./atomic-write.js";

// What each fsync was given: the file's data first, then the directory that holds its new name.
const synced: string[] = [];

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      synced.push(fstatSync(fd).isDirectory() ? "dir" : "file");
      fs.fsyncSync(fd);
    },
  };
});

vi.mock("node:fs/promises", async (importOriginal) => {
  const fsp = await importOriginal<typeof FsPromises>();
  return {
    ...fsp,
    open: async (...args: Parameters<typeof fsp.open>) => {
      const handle = await fsp.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        synced.push((await handle.stat()).isDirectory() ? "dir" : "file");
        await sync();
      };
      return handle;
    },
  };
});

describe("the atomic write is durable", () => {
  it("fsyncs the file before the rename and the directory after it, sync and async alike", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-atomic-fsync-"));
    synced.length = 0;
    writeFileAtomicallySync(path.join(dir, "a.json"), "{}\n");
    expect(synced).toEqual(["file", "dir"]);
    synced.length = 0;
    await writeFileAtomically(path.join(dir, "b.json"), "{}\n");
    expect(synced).toEqual(["file", "dir"]);
    expect(readFileSync(path.join(dir, "b.json"), "utf8")).toBe("{}\n");
  });

  it("commits a streamed file the same way: its data, the rename, then the directory", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-atomic-commit-"));
    const part = path.join(dir, "batch_0001.jsonl.part");
    writeFileSync(part, '{"key":"1"}\n');
    synced.length = 0;
    commitFileSync(part, path.join(dir, "batch_0001.jsonl"));
    expect(synced).toEqual(["file", "dir"]);
    expect(readFileSync(path.join(dir, "batch_0001.jsonl"), "utf8")).toBe('{"key":"1"}\n');
    expect(existsSync(part)).toBe(false);
  });
});
