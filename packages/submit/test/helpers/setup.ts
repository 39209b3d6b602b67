import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createManualClock, type Clock } from "@gembatch/core";
import type { Emulator, EmulatorOptions } from "@gembatch/emulator";
import { projectDir, runCommand, useEmulator, type CommandRun } from "@gembatch/test-utils";
import { submitCommand, type SubmitResult } from "../../src/cli.js";
import type { CollectSummary } from "../../src/collect.js";
import type { DownloadOutcome } from "../../src/download.js";
import type { SubmissionState } from "../../src/state.js";
import type { StatusSummary } from "../../src/status.js";

export const API_KEY = "test-key-submit";

export const workspace = (): string => projectDir();

/** `count` input files of `perFile` requests each, keys `b<file>-r<row>`. */
export function writeBatches(dir: string, count: number, perFile = 2): string {
  const batches = path.join(dir, "batches");
  mkdirSync(batches, { recursive: true });
  for (let f = 1; f <= count; f++) {
    const lines = Array.from({ length: perFile }, (_, r) =>
      JSON.stringify({
        key: `b${f}-r${r + 1}`,
        request: { contents: [{ role: "user", parts: [{ text: `Refine question ${f}.${r + 1}` }] }] },
      }),
    );
    writeFileSync(path.join(batches, `batch_${String(f).padStart(3, "0")}.jsonl`), `${lines.join("\n")}\n`);
  }
  return batches;
}

export const emulator = (options: EmulatorOptions = {}): Promise<Emulator> =>
  useEmulator({ apiKey: API_KEY, timeScale: 10_000, ...options });

/**
 * A `gembatch submit …` JSON document. The type holds every subcommand's fields (and the error's) because a test
 * knows which subcommand it ran and reads only that one's; `requests` is the one name two give different shapes.
 */
export type SubmitDoc = SubmitResult &
  Omit<StatusSummary, "requests"> &
  Omit<CollectSummary, "requests"> & {
    requests: StatusSummary["requests"] | CollectSummary["requests"];
    out_dir: string;
    downloads: DownloadOutcome[];
    cancelled: Array<{ batch: number; job_name: string; state?: string; error?: string }>;
    error: { code: string; message: string; hint?: string; details: { problems: string[] } };
  };

/** A submission's event log line. */
export type LogEntry = { event: string; batch?: number; data?: Record<string, unknown> } & Record<string, unknown>;

export type Run = CommandRun<SubmitDoc>;

/** Run `gembatch submit …` in-process with a manual clock, so no rate-limit wait takes real time. */
export async function submit(
  cwd: string,
  emu: Emulator,
  argv: string[],
  options: { clock?: Clock; signal?: AbortSignal; env?: Record<string, string> } = {},
): Promise<Run> {
  return runCommand<SubmitDoc>(submitCommand, [...argv, "--json"], {
    cwd,
    env: { GEMINI_API_KEY: API_KEY, GEMBATCH_BASE_URL: emu.url, ...options.env },
    clock: options.clock ?? createManualClock(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export function readState(dir: string): SubmissionState {
  return JSON.parse(readFileSync(path.join(dir, "batch_submission_state.json"), "utf8")) as SubmissionState;
}

export function readLog(dir: string): LogEntry[] {
  return readFileSync(path.join(dir, "batch_submission_log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as LogEntry);
}

/** Jobs the server holds per display name: the duplicate check. */
export function jobsByDisplayName(emu: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const batch of emu.record.batches)
    counts.set(batch.displayName ?? "", (counts.get(batch.displayName ?? "") ?? 0) + 1);
  return counts;
}
