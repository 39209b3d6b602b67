import { existsSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createGeminiClient, createManualClock, systemClock } from "@gembatch/core";
import { createManualClock as createEmulatorClock } from "@gembatch/emulator";
import { createBatchApi } from "./api.js";
import { refreshActive } from "./capacity.js";
import type { SubmitDeps } from "./context.js";
import { STATE_FILE } from "./state.js";
import { API_KEY, emulator, readState, submit, workspace, writeBatches } from "../test/helpers/setup.js";

/** What refreshActive uses of a submit run's deps, over the real SDK and the emulator. */
function depsFor(url: string, signal: AbortSignal): SubmitDeps {
  return {
    api: createBatchApi(() => createGeminiClient({ apiKey: API_KEY, baseUrl: url }), {
      baseUrl: url,
      apiKey: () => API_KEY,
    }),
    clock: createManualClock(),
    signal,
    retryPolicy: {},
    events: { event: () => undefined, close: () => undefined, file: "" },
    info: () => undefined,
    warn: () => undefined,
    interactive: false,
    stderr: new PassThrough(),
  } as unknown as SubmitDeps;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("the capacity gate", () => {
  it("hands room to a waiting batch as soon as a create in flight gives its reservation back, not a poll later", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: 60_000, runningMs: 60_000 } });
    expect((await submit(dir, emu, ["1", "1"])).code).toBe(0);
    // Batch 2's create is slow, then refused: batch 3 waits on its reservation (job 1 holds the other
    // place). A poll interval of ten minutes on the real clock: only the give-back can let batch 3 in.
    emu.setFaults([
      { route: "batches.create", kind: "latency", ms: 300 },
      { route: "batches.create", sequence: ["503"] },
    ]);
    const started = Date.now();
    const run = await submit(dir, emu, ["--max-concurrent-jobs", "2", "--poll-interval", "600", "--max-retries", "0"], {
      clock: systemClock,
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    // Whichever of batches 2 and 3 got the place first was refused; the other went in at once.
    const outcomes = (run.json as { outcomes: Array<{ outcome: string }> }).outcomes;
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["failed", "skipped", "submitted"]);
    expect(emu.record.batches).toHaveLength(2);
  }, 40_000);

  it("reports each job seen ended as its answer lands, before the slowest answer of the refresh", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const clock = createEmulatorClock();
    const emu = await emulator({ clock, batch: { pendingMs: 1000, runningMs: 1000 } });
    expect((await submit(dir, emu, [])).code).toBe(0);
    const state = readState(dir);
    clock.advance(5000);
    // The first state read answers at once, the second waits on the emulator's clock.
    emu.setFaults([{ route: "batches.get", sequence: ["ok", { kind: "latency", ms: 1000 }] }]);
    const deps = depsFor(emu.url, new AbortController().signal);
    let settled = false;
    let firstEnded!: () => void;
    const ended = new Promise<void>((resolve) => (firstEnded = resolve));
    const refreshing = refreshActive(deps, state, firstEnded).then(() => (settled = true));
    await ended;
    expect(settled).toBe(false);
    expect(Object.values(state.submitted_jobs).filter((j) => j.state === "JOB_STATE_SUCCEEDED")).toHaveLength(1);
    await until(() => (emu.record.counts["batches.get"] ?? 0) === 2);
    expect(settled).toBe(false);
    clock.advance(1000);
    await refreshing;
    expect(Object.values(state.submitted_jobs).map((j) => j.state)).toEqual([
      "JOB_STATE_SUCCEEDED",
      "JOB_STATE_SUCCEEDED",
    ]);
  });

  it("an interrupt ends every state read in flight at once, through one listener on the run's signal", async () => {
    const dir = workspace();
    writeBatches(dir, 12);
    const clock = createEmulatorClock();
    const emu = await emulator({ clock, batch: { pendingMs: 1000, runningMs: 1000 } });
    expect((await submit(dir, emu, [])).code).toBe(0);
    const state = readState(dir);
    // Every read waits on the emulator's clock, which is never advanced: only the abort can end them.
    emu.setFaults([{ route: "batches.get", kind: "latency", ms: 1000 }]);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      const refreshing = refreshActive(depsFor(emu.url, controller.signal), state);
      refreshing.catch(() => undefined);
      await until(() => (emu.record.counts["batches.get"] ?? 0) === 12);
      controller.abort();
      await expect(refreshing).rejects.toMatchObject({ code: "INTERRUPTED" });
      await new Promise((r) => setImmediate(r));
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("a job created while other batches wait for room is on disk before the run ends", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: 600_000, runningMs: 600_000 } });
    const controller = new AbortController();
    // Batches 1 and 2 are created; batch 3 waits for room that a ten-minute poll will not find soon.
    const running = submit(
      dir,
      emu,
      ["--max-concurrent-jobs", "2", "--create-concurrency", "2", "--poll-interval", "600"],
      { clock: systemClock, signal: controller.signal },
    );
    const saved = () => (existsSync(path.join(dir, STATE_FILE)) ? Object.keys(readState(dir).submitted_jobs) : []);
    await until(() => saved().length === 2);
    const onDisk = saved().sort();
    controller.abort();
    expect(((await running).json as { interrupted: boolean }).interrupted).toBe(true);
    expect(onDisk).toEqual(["1", "2"]);
  });
});
