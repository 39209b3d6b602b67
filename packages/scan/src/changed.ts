import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CliError } from "@gembatch/core";

const run = promisify(execFile);

/** Pathspecs are file names, never patterns: a file called `*` or `:(top)` means only itself. */
const GIT_ENV = { ...process.env, GIT_LITERAL_PATHSPECS: "1" };

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-c", "core.quotepath=off", ...args], {
    cwd,
    env: GIT_ENV,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

const split = (output: string) => output.split("\0").filter((name) => name !== "");

/**
 * Files of the project root (posix, relative to it) that differ from `ref` in the working tree:
 * committed since, staged, modified or new and not ignored. Deleted files are not listed (there is
 * nothing left to scan).
 */
export async function changedSince(root: string, ref: string): Promise<{ commit: string; files: string[] }> {
  let commit: string;
  try {
    commit = (await git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw new CliError("BAD_INPUT", `changed_since: "${ref}" is not a git ref of the repository at the project root`, {
      hint: "pass a branch, tag or commit, such as origin/main or HEAD~1 (in CI, fetch enough history first)",
    });
  }
  const [changed, untracked] = await Promise.all([
    git(root, ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", "--relative", commit, "--"]),
    git(root, ["ls-files", "--others", "--exclude-standard", "-z", "--", "."]),
  ]);
  return { commit, files: [...new Set([...split(changed), ...split(untracked)])].sort() };
}
