import { writeFileSync } from "node:fs";
import path from "node:path";
import { commitAll, git, gitInit, tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { checkGitTree, commitFile, commitMessage, switchBranch } from "./git.js";

function repo(): string {
  const dir = tempTree({ "a.py": "a = 1\n", "b.py": "b = 1\n" });
  gitInit(dir);
  git(dir, "config", "user.name", "t");
  git(dir, "config", "user.email", "t@example.com");
  commitAll(dir, "start");
  return dir;
}

describe("git for --commit and --branch", () => {
  it("refuses a dirty tree unless allowed, and a directory that is not a repository", async () => {
    const dir = repo();
    await expect(checkGitTree({ cwd: dir, allowDirty: false })).resolves.toEqual({ dirty: [] });
    writeFileSync(path.join(dir, "b.py"), "b = 2\n");
    await expect(checkGitTree({ cwd: dir, allowDirty: false })).rejects.toMatchObject({
      code: "BAD_INPUT",
      message: "commit: the work tree has uncommitted changes: b.py",
    });
    await expect(checkGitTree({ cwd: dir, allowDirty: true })).resolves.toEqual({ dirty: ["b.py"] });
    await expect(checkGitTree({ cwd: tempTree(), allowDirty: false })).rejects.toThrow(/not inside a git work tree/);
  });

  it("commits only the fixed file, never the user's other changes, with the rule in the message", async () => {
    const dir = repo();
    await switchBranch(dir, "gembatch/fixes");
    writeFileSync(path.join(dir, "a.py"), "a = 2\n");
    writeFileSync(path.join(dir, "b.py"), "b = 'mine'\n");
    const sha = await commitFile({
      cwd: dir,
      file: "a.py",
      message: commitMessage({
        file: "a.py",
        rules: ["logger-bind"],
        issue: null,
        attempt: 2,
        verify: ["python3 -m unittest"],
      }),
    });
    expect(git(dir, "rev-parse", "HEAD").trim()).toBe(sha);
    expect(git(dir, "show", "--name-only", "--format=%s", "HEAD").trim().split("\n")).toEqual([
      "fix(logger-bind): a.py",
      "",
      "a.py",
    ]);
    expect(git(dir, "branch", "--show-current").trim()).toBe("gembatch/fixes");
    expect(git(dir, "status", "--porcelain").trim()).toBe("M b.py");
  });
});
