import { execa } from "execa";
import { activeProjectSession, API_KEY_ENV_NAMES, killProcessGroup, recordChild } from "@gembatch/core";
import { cleanOutput } from "./evidence/extract.js";
import { prepareCommand } from "./prepare.js";

export interface CommandRun {
  /** The command as it ran (placeholders filled in). */
  command: string;
  exit_code: number | null;
  passed: boolean;
  timed_out: boolean;
  /** Stopped because the run was interrupted (Ctrl-C, SIGTERM). */
  interrupted: boolean;
  duration_ms: number;
  /** stdout and stderr interleaved, colour codes removed; never part of a JSON result. */
  output: string;
}

interface RunCommandOptions {
  command: string;
  /** Project-relative path put in for `{file}`. */
  file: string;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  maxBufferBytes?: number;
}

/**
 * What runners read to print plain, complete, non-interactive output; each only where the user has not
 * set it. CI=1 also keeps vitest and jest out of watch mode and jest from writing new snapshots.
 */
const PLAIN_OUTPUT_ENV: Readonly<Record<string, string>> = {
  CI: "1",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  NODE_DISABLE_COLORS: "1",
  PY_COLORS: "0",
  CARGO_TERM_COLOR: "never",
};

/**
 * The verify command's environment: ours, less the API keys (a verify runs code the model just wrote,
 * which has no business reading them), plus GEMBATCH_FILE and the plain-output settings.
 */
function verifyEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...PLAIN_OUTPUT_ENV, ...process.env, ...extra };
  for (const name of API_KEY_ENV_NAMES) delete env[name];
  return env;
}

/**
 * Run one verify command with a timeout, capturing its output. It runs in its own process group so a
 * timeout or an interruption ends everything it started, not just the shell; a failure is a result,
 * never a thrown error.
 */
export async function runCommand(options: RunCommandOptions): Promise<CommandRun> {
  const prepared = prepareCommand(options.command, options.file);
  const started = performance.now();
  let timedOut = false;
  let interrupted = options.signal?.aborted ?? false;
  if (interrupted) {
    return {
      command: prepared.display,
      exit_code: null,
      passed: false,
      timed_out: false,
      interrupted: true,
      duration_ms: 0,
      output: "",
    };
  }
  const child = execa(prepared.file, prepared.args, {
    cwd: options.cwd,
    shell: prepared.shell,
    env: verifyEnv(prepared.env),
    extendEnv: false,
    reject: false,
    all: true,
    stdin: "ignore",
    detached: true,
    stripFinalNewline: false,
    maxBuffer: options.maxBufferBytes ?? 16 * 1024 * 1024,
  });
  const session = activeProjectSession();
  const forget =
    session && child.pid !== undefined
      ? recordChild(session.dir, { pid: child.pid, command: prepared.display })
      : undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    killProcessGroup(child.pid, "SIGTERM");
    forceTimer ??= setTimeout(() => killProcessGroup(child.pid, "SIGKILL"), options.killGraceMs ?? 2_000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const onAbort = () => {
    interrupted = true;
    stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await child;
    const exitCode = typeof result.exitCode === "number" ? result.exitCode : null;
    const output = typeof result.all === "string" ? result.all : "";
    const spawnError =
      result.failed && exitCode === null && !timedOut && !interrupted && result.signal === undefined
        ? `${result.shortMessage}\n`
        : "";
    return {
      command: prepared.display,
      exit_code: exitCode,
      passed: exitCode === 0 && !timedOut && !interrupted,
      timed_out: timedOut,
      interrupted,
      duration_ms: Math.round(performance.now() - started),
      // Colour codes never reach a log, a comparison or a request.
      output: cleanOutput(spawnError + output),
    };
  } finally {
    // Whatever the command left running in its group (a runner's workers, a server) ends with it.
    killProcessGroup(child.pid, "SIGKILL");
    forget?.();
    clearTimeout(timer);
    if (forceTimer) clearTimeout(forceTimer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
