import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "@gembatch/core";
import { compareRuns, type NewFailure } from "./compare.js";
import type { LocationContext } from "./evidence/locations.js";
import { prepareCommand } from "./prepare.js";
import { runCommand, type CommandRun } from "./run-command.js";

interface VerifyRunSummary {
  command: string;
  exit_code: number | null;
  passed: boolean;
  timed_out: boolean;
  duration_ms: number;
  /** Relative to the project root. */
  log_file: string;
}

export interface VerifyReport {
  before: VerifyRunSummary[];
  after: VerifyRunSummary[];
  new_failures: NewFailure[];
}

export interface LoggedRun extends CommandRun {
  log_file: string;
}

interface VerifierOptions {
  commands: string[];
  timeoutMs: number;
  /** The project root: commands run there. */
  cwd: string;
  /** Where each run's output is saved. */
  logDir: string;
  /** Turns an absolute path into what results show. */
  show(absolute: string): string;
  signal?: AbortSignal;
  killGraceMs?: number;
}

export interface Verifier {
  readonly commands: readonly string[];
  /** Each command on the file as it is now; a run already made on this tree is reused. */
  before(file: string, label: string): Promise<LoggedRun[]>;
  after(file: string, label: string): Promise<LoggedRun[]>;
  /** The tree changed (a fix was kept): earlier "before" runs no longer describe it. */
  invalidate(): void;
}

function summarizeRun(run: LoggedRun): VerifyRunSummary {
  return {
    command: run.command,
    exit_code: run.exit_code,
    passed: run.passed,
    timed_out: run.timed_out,
    duration_ms: run.duration_ms,
    log_file: run.log_file,
  };
}

/** Pair each "after" run with its "before" run; only failures that are new count. */
export function verifyReport(before: LoggedRun[], after: LoggedRun[], context: LocationContext = {}): VerifyReport {
  const newFailures: NewFailure[] = [];
  after.forEach((run, i) => {
    const failure = compareRuns(before[i], run, context);
    if (failure) newFailures.push(failure);
  });
  return { before: before.map(summarizeRun), after: after.map(summarizeRun), new_failures: newFailures };
}

function logText(run: CommandRun, cwd: string): string {
  const status = run.interrupted ? "interrupted" : run.timed_out ? "timed out" : `exit code ${run.exit_code}`;
  return `$ ${run.command}\n# cwd: ${cwd}\n# ${status}, ${run.duration_ms} ms\n\n${run.output}`;
}

export function createVerifier(options: VerifierOptions): Verifier {
  const cache = new Map<string, LoggedRun>();

  async function runAll(file: string, label: string, phase: "before" | "after"): Promise<LoggedRun[]> {
    const runs: LoggedRun[] = [];
    for (const [i, command] of options.commands.entries()) {
      if (options.signal?.aborted) break;
      const key = prepareCommand(command, file).display;
      const cached = phase === "before" ? cache.get(key) : undefined;
      if (cached) {
        runs.push(cached);
        continue;
      }
      const run = await runCommand({
        command,
        file,
        cwd: options.cwd,
        timeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
      });
      const logFile = path.join(options.logDir, `${label}.${phase}.${i + 1}.log`);
      await mkdir(options.logDir, { recursive: true });
      await writeFileAtomically(logFile, logText(run, options.cwd));
      const logged = { ...run, log_file: options.show(logFile) };
      if (phase === "before" && !run.interrupted) cache.set(key, logged);
      runs.push(logged);
      if (run.interrupted) break;
    }
    return runs;
  }

  return {
    commands: options.commands,
    before: (file, label) => runAll(file, label, "before"),
    after: (file, label) => runAll(file, label, "after"),
    invalidate: () => cache.clear(),
  };
}
