import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { onTestFinished } from "vitest";
import { executeCommand, type CommandDefinition, type Outcome } from "@gembatch/core";

export type Tree = Record<string, string | Buffer>;

/** A temporary directory holding `files`, removed when the test ends. */
export function tempTree(files: Tree = {}): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "gembatch-test-")));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
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

export interface Invocation {
  positionals?: string[];
  flags?: Record<string, unknown>;
  json?: boolean;
  cwd: string;
}

/** What a command prints with `--json` when it fails (next to `success: false`). */
export interface ErrorDoc {
  error: { code: string; message: string; hint?: string; details: Record<string, unknown> };
}

/**
 * Run a command definition through the real harness with in-memory streams. `json` is the `--json` document,
 * typed as the caller says (`D`: the command's result type, with `ErrorDoc` where the test expects a failure).
 */
export async function invoke<D = unknown>(
  definition: CommandDefinition,
  call: Invocation,
): Promise<Outcome & { stdout: string; stderr: string; json: D }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const env = { ...process.env };
  delete env.GEMBATCH_MODEL;
  const outcome = await executeCommand(
    definition,
    { positionals: call.positionals ?? [], flags: call.flags ?? {}, json: call.json },
    { cwd: call.cwd, env, stdin: new PassThrough(), stdout, stderr },
  );
  const text = Buffer.concat(out).toString("utf8");
  const isJson = call.json || (call.positionals?.[0]?.trimStart().startsWith("{") ?? false);
  return {
    ...outcome,
    stdout: text,
    stderr: Buffer.concat(err).toString("utf8"),
    json: (isJson && text ? JSON.parse(text) : undefined) as D,
  };
}
