import { symlinkSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { readInside } from "./run-files.js";

describe("readInside", () => {
  it("reads a file a state names only from inside the given directories, never through a link out", () => {
    const top = tempTree({
      "project/tmp/run/patches/1_a.patch": "+a\n",
      "project/src/a.py": "a = 1\n",
      "secret.txt": "secret\n",
    });
    const root = path.join(top, "project");
    const runDir = path.join(root, "tmp/run");
    symlinkSync(path.join(top, "secret.txt"), path.join(runDir, "patches/2_b.patch"));
    const within = [runDir];
    expect(readInside("tmp/run/patches/1_a.patch", { projectRoot: root, within })).toBe("+a\n");
    expect(readInside(path.join(runDir, "patches/1_a.patch"), { projectRoot: root, within })).toBe("+a\n");
    expect(readInside("src/a.py", { projectRoot: root, within })).toBeNull();
    expect(readInside("../secret.txt", { projectRoot: root, within })).toBeNull();
    expect(readInside(path.join(top, "secret.txt"), { projectRoot: root, within: [root, runDir] })).toBeNull();
    expect(readInside("tmp/run/patches/2_b.patch", { projectRoot: root, within: [root, runDir] })).toBeNull();
    expect(readInside(null, { projectRoot: root, within })).toBeNull();
  });
});
