import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

export type Tree = Record<string, string | Buffer>;

/** A fresh temporary directory (its real path), removed when the test ends. */
export function tempDir(prefix = "gembatch-test-"): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temporary directory holding `files`, removed when the test ends. */
export function tempTree(files: Tree = {}): string {
  const dir = tempDir();
  writeTree(dir, files);
  return dir;
}

export function writeTree(dir: string, files: Tree): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
}

export function gitInit(dir: string): void {
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "commit.gpgsign", "false");
}

export function commitAll(dir: string, message = "commit"): void {
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", message);
}

/** A project root holding `files`: it has .git, so config discovery stops there. */
export function projectDir(files: Tree = {}): string {
  const root = tempTree(files);
  mkdirSync(path.join(root, ".git"), { recursive: true });
  return root;
}
