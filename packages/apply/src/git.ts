import { execa } from "execa";
import { CliError } from "@gembatch/core";

async function git(cwd: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  // Paths are file names, never pathspec patterns: `orders/*.py` is that one file, not every .py.
  const result = await execa("git", args, { cwd, reject: false, stdin: "ignore", env: { GIT_LITERAL_PATHSPECS: "1" } });
  // Only the end is trimmed: porcelain lines start with a significant space.
  return {
    ok: result.exitCode === 0,
    stdout: String(result.stdout ?? "").trimEnd(),
    stderr: String(result.stderr ?? "").trim(),
  };
}

/** Tracked files with uncommitted changes under `cwd` (untracked files do not count). */
async function dirtyFiles(cwd: string): Promise<string[]> {
  const status = await git(cwd, ["status", "--porcelain", "--untracked-files=no", "--", "."]);
  return status.stdout === "" ? [] : status.stdout.split("\n").map((line) => line.slice(3));
}

/** For `--commit`: a git work tree, clean unless the caller allows otherwise. */
export async function checkGitTree(options: { cwd: string; allowDirty: boolean }): Promise<{ dirty: string[] }> {
  const inside = await git(options.cwd, ["rev-parse", "--is-inside-work-tree"]);
  if (!inside.ok || inside.stdout.trim() !== "true") {
    throw new CliError("BAD_INPUT", "commit: the project is not inside a git work tree", {
      hint: "run git init first, or leave out --commit",
    });
  }
  const dirty = await dirtyFiles(options.cwd);
  if (dirty.length > 0 && !options.allowDirty) {
    const shown = dirty.slice(0, 5).join(", ") + (dirty.length > 5 ? ` (and ${dirty.length - 5} more)` : "");
    throw new CliError("BAD_INPUT", `commit: the work tree has uncommitted changes: ${shown}`, {
      hint: "commit or stash them first, or pass --allow-dirty (each fix is still committed on its own, without your changes)",
      details: { dirty },
    });
  }
  return { dirty };
}

/** Switch to `name`, creating it from the current commit when it does not exist. */
export async function switchBranch(cwd: string, name: string): Promise<void> {
  const valid = await git(cwd, ["check-ref-format", "--branch", name]);
  if (!valid.ok) throw new CliError("BAD_INPUT", `branch: not a valid branch name: ${name}`);
  const exists = await git(cwd, ["rev-parse", "--verify", "--quiet", `refs/heads/${name}`]);
  const switched = await git(cwd, exists.ok ? ["switch", name] : ["switch", "-c", name]);
  if (!switched.ok)
    throw new CliError("BAD_INPUT", `branch: cannot switch to ${name}: ${switched.stderr.split("\n")[0]}`, {
      hint: "commit or stash your changes, or choose another branch",
    });
}

/** Commit exactly this file's change (`--only`), whatever else is staged or modified; returns the commit. */
export async function commitFile(options: { cwd: string; file: string; message: string }): Promise<string> {
  const add = await git(options.cwd, ["add", "--", options.file]);
  if (!add.ok) throw new Error(`git add ${options.file}: ${add.stderr.split("\n")[0]}`);
  const commit = await git(options.cwd, ["commit", "--quiet", "--only", "-m", options.message, "--", options.file]);
  if (!commit.ok) throw new Error(`git commit ${options.file}: ${(commit.stderr || commit.stdout).split("\n")[0]}`);
  return (await git(options.cwd, ["rev-parse", "HEAD"])).stdout.trim();
}

export function commitMessage(options: {
  file: string;
  rules: string[];
  issue: string | null;
  attempt: number;
  verify: string[];
}): string {
  const what = options.rules.length > 0 ? options.rules.join(", ") : (options.issue ?? "fix");
  const checks =
    options.verify.length > 0 ? `verified with: ${options.verify.join("; ")}` : "no verify command was configured";
  return `fix(${what}): ${options.file}\n\nApplied by gembatch apply (attempt ${options.attempt}); ${checks}.`;
}
