import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { backupFile, restoreFile, writeWhole } from "./backup.js";

describe("backup, atomic write and restore", () => {
  it("keeps the file's mode through a write and restores the original byte for byte", async () => {
    const original = Buffer.from("#!/bin/sh\r\necho \xff\r\n", "latin1");
    const root = tempTree({ "bin/run.sh": original });
    const runDir = path.join(root, "tmp/run");
    mkdirSync(runDir, { recursive: true });
    const target = path.join(root, "bin/run.sh");
    chmodSync(target, 0o754);
    const backup = await backupFile({ projectRoot: root, runDir, file: "bin/run.sh" });
    expect(backup).toMatchObject({ file: path.join(runDir, "backups/bin/run.sh"), mode: 0o754 });
    expect(statSync(backup.file).mode & 0o777).toBe(0o754);
    await writeWhole({
      projectRoot: root,
      file: "bin/run.sh",
      bytes: Buffer.from("#!/bin/sh\necho fixed\n"),
      mode: backup.mode,
    });
    expect(statSync(target).mode & 0o777).toBe(0o754);
    expect(readFileSync(target, "utf8")).toBe("#!/bin/sh\necho fixed\n");
    await restoreFile({ projectRoot: root, runDir, file: "bin/run.sh", backup });
    expect(readFileSync(target).equals(original)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o754);
  });

  it("refuses to restore from a backup that is not the copy that was taken", async () => {
    const root = tempTree({ "a.py": "a = 1\n" });
    const runDir = path.join(root, "tmp/run");
    mkdirSync(runDir, { recursive: true });
    const backup = await backupFile({ projectRoot: root, runDir, file: "a.py" });
    writeFileSync(backup.file, "tampered\n");
    await expect(restoreFile({ projectRoot: root, runDir, file: "a.py", backup })).rejects.toThrow(
      /does not match the original/,
    );
    expect(readFileSync(path.join(root, "a.py"), "utf8")).toBe("a = 1\n");
  });

  it("restores only from the run's backups directory, and only into the project", async () => {
    const top = tempTree({ "project/a.py": "a = 1\n", "secret.txt": "not yours\n", "victim.txt": "keep\n" });
    const root = path.join(top, "project");
    const runDir = path.join(root, "tmp/run");
    mkdirSync(runDir, { recursive: true });
    const backup = await backupFile({ projectRoot: root, runDir, file: "a.py" });
    const stolen = { ...backup, file: path.join(top, "secret.txt") };
    await expect(restoreFile({ projectRoot: root, runDir, file: "a.py", backup: stolen })).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      message: expect.stringContaining("backup_file") as unknown,
    });
    await expect(restoreFile({ projectRoot: root, runDir, file: "../victim.txt", backup })).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
    });
    expect(readFileSync(path.join(top, "victim.txt"), "utf8")).toBe("keep\n");
    expect(readFileSync(path.join(root, "a.py"), "utf8")).toBe("a = 1\n");
  });

  it("a write is checked at the moment it happens: a directory swapped for a link out is refused", async () => {
    const top = tempTree({ "project/src/a.py": "a = 1\n", "outside/a.py": "theirs\n" });
    const root = path.join(top, "project");
    renameSync(path.join(root, "src"), path.join(root, "src.real"));
    symlinkSync(path.join(top, "outside"), path.join(root, "src"));
    await expect(
      writeWhole({ projectRoot: root, file: "src/a.py", bytes: Buffer.from("b = 2\n"), mode: null }),
    ).rejects.toMatchObject({ code: "PATH_OUTSIDE_PROJECT" });
    expect(readFileSync(path.join(top, "outside/a.py"), "utf8")).toBe("theirs\n");
    expect(readdirSync(path.join(top, "outside"))).toEqual(["a.py"]);
  });

  it("the original is read through the guard: a directory swapped for a link out is refused, not backed up", async () => {
    const top = tempTree({ "project/src/a.py": "a = 1\n", "outside/a.py": "theirs\n" });
    const root = path.join(top, "project");
    const runDir = path.join(root, "tmp/run");
    mkdirSync(runDir, { recursive: true });
    renameSync(path.join(root, "src"), path.join(root, "src.real"));
    symlinkSync(path.join(top, "outside"), path.join(root, "src"));
    await expect(backupFile({ projectRoot: root, runDir, file: "src/a.py" })).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
    });
    expect(readdirSync(runDir)).toEqual([]);
  });

  it("a backups directory that is a link out of the run directory is not written through", async () => {
    const top = tempTree({ "project/a.py": "a = 1\n", "outside/.keep": "" });
    const root = path.join(top, "project");
    const runDir = path.join(root, "tmp/run");
    mkdirSync(runDir, { recursive: true });
    symlinkSync(path.join(top, "outside"), path.join(runDir, "backups"));
    await expect(backupFile({ projectRoot: root, runDir, file: "a.py" })).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
    });
    expect(readdirSync(path.join(top, "outside"))).toEqual([".keep"]);
  });
});
