import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createGeminiClient, createManualClock, systemClock } from "@gembatch/core";
import { createManualClock as createEmulatorClock } from "@gembatch/emulator";
import { createBatchApi } from "./api.js";
import { refreshActive } from "./capacity.js";
import type { SubmitDeps } from "./context.js";
import { API_KEY, emulator, readState, submit, workspace, writeBatches } from "./test-helpers/setup.js";

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
    expect(run.json.outcomes.map((o: { outcome: string }) => o.outcome).sort()).toEqual([
      "failed",
      "skipped",
      "submitted",
    ]);
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
    const api = createBatchApi(() => createGeminiClient({ apiKey: API_KEY, baseUrl: emu.url }), {
      baseUrl: emu.url,
      apiKey: () => API_KEY,
    });
    const deps = {
      api,
      clock: createManualClock(),
      signal: new AbortController().signal,
      retryPolicy: {},
      events: { event: () => undefined, close: () => undefined, file: "" },
      info: () => undefined,
      warn: () => undefined,
      interactive: false,
      stderr: new PassThrough(),
    } as unknown as SubmitDeps;
    let settled = false;
    let firstEnded!: () => void;
    const ended = new Promise<void>((resolve) => (firstEnded = resolve));
    const refreshing = refreshActive(deps, state, firstEnded).then(() => (settled = true));
    await ended;
    expect(settled).toBe(false);
    expect(Object.values(state.submitted_jobs).filter((j: any) => j.state === "JOB_STATE_SUCCEEDED")).toHaveLength(1);
    for (let i = 0; i < 500 && (emu.record.counts["batches.get"] ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    clock.advance(1000);
    await refreshing;
    expect(Object.values(state.submitted_jobs).map((j: any) => j.state)).toEqual([
      "JOB_STATE_SUCCEEDED",
      "JOB_STATE_SUCCEEDED",
    ]);
  });
});
