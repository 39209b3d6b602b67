import { existsSync } from "node:fs";
import path from "node:path";
import type { Clock } from "@gembatch/core";
import { createManualClock as createEmulatorClock } from "@gembatch/emulator";
import { describe, expect, it } from "vitest";
import { JOBS_FILE, type JobEntry } from "./batch-job.js";
import { runSend } from "./run-send.js";
import { sendExitCode } from "./summary.js";
import { fixedReply, makeProject, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { FileMeta } from "./types.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n", "src/c.py": "c = 1\n" };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));

/** One clock for both sides: every poll the client sleeps moves the emulator's batch jobs along. */
async function batchEmulator(
  options: { script?: unknown[]; abortOnSleep?: { controller: AbortController; at: number } } = {},
) {
  const emuClock = createEmulatorClock({ startTime: "2026-11-21T12:00:00Z" });
  const { emu, client } = await useEmulator({
    clock: emuClock,
    script: (options.script ?? script) as never,
    batch: { pendingMs: 1_000, runningMs: 3_000 },
  });
  let sleeps = 0;
  const clock: Clock = {
    now: () => emuClock.now(),
    sleep: (ms, signal) => {
      sleeps += 1;
      if (options.abortOnSleep && sleeps === options.abortOnSleep.at)
        options.abortOnSleep.controller.abort(new DOMException("SIGINT received", "AbortError"));
      if (signal?.aborted) return Promise.reject(new DOMException("This operation was aborted", "AbortError"));
      emuClock.advance(ms);
      return Promise.resolve();
    },
  };
  return { emu, client, clock, sleeps: () => sleeps };
}

describe("--via batch", () => {
  it("sends the same per-file requests as one inline job, waits, matches rows by key and prices at batch rates", async () => {
    const project = makeProject(FILES);
    const { emu, client, clock } = await batchEmulator({
      script: [{ match: { key: "request_2_b" }, reply: { error: { code: 400, message: "bad row" } } }, ...script],
    });
    const result = await runSend(project.options({ via: "batch", pollIntervalMs: 1_000 }), { client, clock });
    expect(sendExitCode(result)).toBe(1);
    expect(emu.record.batches).toHaveLength(1);
    expect(emu.record.batches[0]).toMatchObject({
      src: { inlinedRequests: 3 },
      state: "BATCH_STATE_SUCCEEDED",
      displayName: `gembatch-send-${path.basename(result.output_dir)}-1`,
    });
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(result.batch_job).toMatchObject({ name: emu.record.batches[0]!.name, state: "JOB_STATE_SUCCEEDED" });
    expect(result.results.map((r) => [r.file_to_fix, r.success, r.error])).toEqual([
      ["src/a.py", true, null],
      ["src/b.py", false, "batch row failed: 400 bad row"],
      ["src/c.py", true, null],
    ]);
    const meta = readJson<FileMeta>(path.join(project.root, result.output_dir, "response_3_c.meta.json"));
    expect(meta).toMatchObject({ via: "batch", batch_job: emu.record.batches[0]!.name, finish_reason: "STOP" });
    expect(meta.cost).toBeCloseTo((meta.usage.prompt_tokens * 0.15 + meta.usage.completion_tokens * 1.25) / 1e6, 12);
    expect(project.read(`${result.output_dir}/response_3_c.md`)).toBe(fixedReply("src/c.py", "x = 2\n"));
    expect(project.read(`${result.output_dir}/request_1_a.md`)).toContain("via: batch");
    expect(readJson<{ jobs: JobEntry[] }>(path.join(project.root, result.output_dir, JOBS_FILE)).jobs).toMatchObject([
      { consumed: true, state: "JOB_STATE_SUCCEEDED" },
    ]);
  });

  it("on Ctrl-C while waiting keeps the job; --resume adopts it instead of creating another", async () => {
    const project = makeProject(FILES);
    const controller = new AbortController();
    const { emu, client, clock } = await batchEmulator({ abortOnSleep: { controller, at: 2 } });
    const stopped = await runSend(project.options({ via: "batch", pollIntervalMs: 1_000 }), {
      client,
      clock,
      signal: controller.signal,
    });
    expect(sendExitCode(stopped)).toBe(130);
    expect(stopped.not_sent).toHaveLength(3);
    const jobs = readJson<{ jobs: JobEntry[] }>(path.join(project.root, stopped.output_dir, JOBS_FILE)).jobs;
    expect(jobs).toMatchObject([{ name: emu.record.batches[0]!.name, consumed: false }]);

    const resumed = await runSend(
      project.options({ via: "batch", pollIntervalMs: 1_000, resume: true, outputDir: stopped.output_dir }),
      { client, clock },
    );
    expect(sendExitCode(resumed)).toBe(0);
    expect(emu.record.batches).toHaveLength(1);
    expect(resumed.files_succeeded).toBe(3);
  });

  it("puts only the files the budget allows into the job (exit 4)", async () => {
    const project = makeProject(FILES);
    const { emu, client, clock } = await batchEmulator();
    // A batch request may cost ~$0.0094 (7,500 output tokens at $1.25/M): two fit under $0.02.
    const result = await runSend(project.options({ via: "batch", pollIntervalMs: 1_000, maxCost: 0.02 }), {
      client,
      clock,
    });
    expect(sendExitCode(result)).toBe(4);
    expect(emu.record.batches[0]).toMatchObject({ requestCount: 2 });
    expect(result.results.map((r) => r.file_to_fix)).toEqual(["src/a.py", "src/b.py"]);
    expect(result.not_sent).toEqual([{ file_to_fix: "src/c.py", reason: "budget" }]);
  });

  it("goes through an uploaded JSONL file when the requests are too large to inline", async () => {
    const project = makeProject(FILES);
    const { emu, client, clock } = await batchEmulator();
    const result = await runSend(
      project.options({ via: "batch", pollIntervalMs: 1_000, batchInlineLimitBytes: 1_000 }),
      { client, clock },
    );
    expect(result.success).toBe(true);
    expect(emu.record.batches[0]!.src).toHaveProperty("fileName");
    expect(existsSync(path.join(project.root, result.output_dir, "batch_input_1.jsonl"))).toBe(true);
    expect(existsSync(path.join(project.root, result.output_dir, "batch_output_1.jsonl"))).toBe(true);
  });
});
