import { chmodSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { backupFile, restoreFile, writeWhole } from "./backup.js";

describe("backup, atomic write and restore", () => {
  it("keeps the file's mode through a write and restores the original byte for byte", async () => {
    const original = Buffer.from("#!/bin/sh\r\necho \xff\r\n", "latin1");
    const dir = tempTree({ "bin/run.sh": original });
    const target = path.join(dir, "bin/run.sh");
    chmodSync(target, 0o754);
    const backup = await backupFile(target, path.join(dir, "tmp/backups/bin/run.sh"));
    expect(backup.mode).toBe(0o754);
    await writeWhole(target, Buffer.from("#!/bin/sh\necho fixed\n"));
    expect(statSync(target).mode & 0o777).toBe(0o754);
    expect(readFileSync(target, "utf8")).toBe("#!/bin/sh\necho fixed\n");
    await restoreFile(target, backup);
    expect(readFileSync(target).equals(original)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o754);
  });

  it("refuses to restore from a backup that is not the copy that was taken", async () => {
    const dir = tempTree({ "a.py": "a = 1\n" });
    const backup = await backupFile(path.join(dir, "a.py"), path.join(dir, "tmp/b/a.py"));
    await writeWhole(backup.file, Buffer.from("tampered\n"));
    await expect(restoreFile(path.join(dir, "a.py"), backup)).rejects.toThrow(/does not match the original/);
  });
});
