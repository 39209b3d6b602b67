import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "@gembatch/core";
import { commitAll, git, gitInit, invoke, tempTree, writeTree } from "@gembatch/test-utils";
import type { ErrorDoc } from "@gembatch/test-utils";
import { scanCommand, type RuleListResult } from "./cli.js";
import type { ScanResult } from "./scan-result.js";

/** `scan --json`: the scan, the rule list (`--list-rules`) or the error; each test reads the one it expects. */
type ScanDoc = ScanResult & RuleListResult & ErrorDoc;

const BARE = "try:\n    run()\nexcept:\n    pass\n";

function repo() {
  const dir = tempTree({
    ".gitignore": "build/\n",
    "src/old.py": BARE,
    "src/kept.py": BARE,
    "src/gone.py": BARE,
    "lib/deep/staged.py": "x = 1\n",
    "docs/readme.md": "",
  });
  gitInit(dir);
  commitAll(dir, "base");
  git(dir, "tag", "base");
  writeTree(dir, { "src/committed.py": BARE });
  commitAll(dir, "second");
  writeTree(dir, {
    "src/old.py": `${BARE}${BARE}`,
    "lib/deep/staged.py": BARE,
    "new dir/untracked *.py": BARE,
    "build/ignored.py": BARE,
  });
  git(dir, "add", "lib/deep/staged.py");
  rmSync(path.join(dir, "src/gone.py"));
  return dir;
}

describe("scan --changed-since", () => {
  it("scans only the files changed since the ref: committed, staged, modified and untracked, never ignored or deleted ones", async () => {
    const dir = repo();
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { rules: ["bare-except"], changed_since: "base" },
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    expect(out.json.files_by_rule["bare-except"]).toEqual([
      "lib/deep/staged.py",
      "new dir/untracked *.py",
      "src/committed.py",
      "src/old.py",
    ]);
    expect(out.json.files_walked).toBe(4);
    expect(out.json.changed_since).toMatchObject({ ref: "base", files_changed: 4 });
    expect(out.json.changed_since!.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("with a baseline at the same ref, reports only the findings the change added", async () => {
    const dir = repo();
    const out = await invoke<ScanDoc>(scanCommand, {
      cwd: dir,
      json: true,
      flags: { rules: ["bare-except"], changed_since: "base", baseline: "base" },
    });
    expect(out.exitCode).toBe(ExitCode.OK);
    // old.py had one bare except at the ref and has two now; the others are new files or newly bad.
    expect(out.json.baseline).toEqual({ source: "base", kind: "git", known: 1, new: 4 });
    expect(out.json.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      "lib/deep/staged.py:3",
      "new dir/untracked *.py:3",
      "src/committed.py:3",
      "src/old.py:7",
    ]);
  });

  it("refuses a ref the repository does not have, with exit 2 and the field named", async () => {
    const dir = repo();
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, flags: { changed_since: "no-such-ref" } });
    expect(out.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(out.stderr).toContain('changed_since: "no-such-ref" is not a git ref');
  });

  it("a ref that looks like a git option is only an unknown ref (git sees it with ^{commit} attached)", async () => {
    const dir = repo();
    const out = await invoke<ScanDoc>(scanCommand, { cwd: dir, flags: { changed_since: "--output=pwned" } });
    expect(out.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(out.stderr).toContain("is not a git ref");
    expect(existsSync(path.join(dir, "pwned"))).toBe(false);
  });
});
