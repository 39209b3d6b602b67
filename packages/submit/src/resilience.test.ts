import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createManualClock } from "@gembatch/core";
import { createManualClock as createEmulatorClock } from "@gembatch/emulator";
import { openStateStore } from "./state.js";
import {
  emulator,
  jobsByDisplayName,
  readLog,
  readState,
  submit,
  workspace,
  writeBatches,
} from "../test/helpers/setup.js";

/** A state whose batch 2 has an intent but no job: the create was cut short before it reached the server. */
async function leftIntent(dir: string, emu: Awaited<ReturnType<typeof emulator>>): Promise<void> {
  expect((await submit(dir, emu, ["1", "1"])).code).toBe(0);
  const uploaded = await submit(dir, emu, ["2", "2", "--max-retries", "0"]);
  expect(uploaded.json.outcomes[0]!.outcome).toBe("failed");
  const state = readState(dir);
  state.intents["2"] = {
    display_name: `gembatch-batches-b0002-${state.batch_files["2"]!.sha256.slice(0, 12)}`,
    file_name: state.uploads["2"]!.file_name,
    at: new Date().toISOString(),
  };
  state.failed_batches = {};
  writeFileSync(path.join(dir, "batch_submission_state.json"), JSON.stringify(state));
}

describe("submit: every call retried, never a batch failed by one transient error", () => {
  it("a 503 on batches.list while settling a leftover intent is retried: the batch is submitted, not failed", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator({ faults: [{ route: "batches.create", sequence: ["ok", "500"] }] });
    await leftIntent(dir, emu);
    emu.setFaults([{ route: "batches.list", sequence: ["503", "503"] }]);
    const run = await submit(dir, emu, []);
    expect(run.code).toBe(0);
    expect(run.json.outcomes.map((o) => o.outcome)).toEqual(["skipped", "submitted"]);
    expect(readState(dir).failed_batches).toEqual({});
    expect(emu.record.statuses["batches.list"]).toMatchObject({ "503": 2, "200": 1 });
    expect(readLog(dir).filter((e) => e.event === "retry" && e.data?.step === "lookup")).toHaveLength(2);
    expect([...jobsByDisplayName(emu).values()]).toEqual([1, 1]);
  });

  it("a 503 on files.get while checking a saved upload is retried: the upload is reused and the batch submitted", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator({ faults: [{ route: "batches.create", sequence: ["500"] }] });
    expect((await submit(dir, emu, ["--max-retries", "0"])).json.outcomes[0]!.outcome).toBe("failed");
    emu.setFaults([{ route: "files.get", sequence: ["503"] }]);
    const run = await submit(dir, emu, ["--retry-failed"]);
    expect(run.code).toBe(0);
    expect(run.json.outcomes[0]!.outcome).toBe("submitted");
    expect(emu.record.statuses["files.get"]).toMatchObject({ "503": 1, "200": 1 });
    expect(emu.record.uploads.completed).toBe(1);
    expect(readLog(dir).some((e) => e.event === "upload_reused")).toBe(true);
  });

  it("after a create the server carried out but answered 503 or cut, the retry looks the name up and adopts the job", async () => {
    for (const step of [{ kind: "503", after: true } as const, "reset" as const]) {
      const dir = workspace();
      writeBatches(dir, 1);
      const emu = await emulator({ faults: [{ route: "batches.create", sequence: [step] }] });
      const run = await submit(dir, emu, []);
      expect(run.code).toBe(0);
      expect(run.json.outcomes[0]!.outcome).toBe("adopted");
      expect(emu.record.counts["batches.create"]).toBe(1);
      expect(emu.record.batches).toHaveLength(1);
      expect(readState(dir).submitted_jobs["1"]).toMatchObject({
        job_name: emu.record.batches[0]!.name,
        adopted: true,
      });
    }
  });

  it("a look-up that spans several pages asks again for the page that failed, not for the whole listing", async () => {
    const dir = workspace();
    writeBatches(dir, 102);
    const emu = await emulator({});
    // 101 jobs: the listing (100 a page) has two pages.
    expect((await submit(dir, emu, ["1", "101"])).code).toBe(0);
    // Batch 102's create is carried out but answered 503; then every second listing request fails, so
    // a listing restarted from its first page would fail on its second page every time.
    emu.setFaults([
      { route: "batches.create", sequence: [{ kind: "503", after: true }] },
      { route: "batches.list", sequence: ["ok", "503"], repeat: true },
    ]);
    const run = await submit(dir, emu, ["102", "102"]);
    expect(run.code).toBe(0);
    expect(run.json.outcomes.find((o: { batch: number }) => o.batch === 102)).toMatchObject({ outcome: "adopted" });
    expect(emu.record.batches).toHaveLength(102);
  }, 60_000);

  it("the intent is on disk before batches.create is sent", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const clock = createEmulatorClock();
    // The create waits on the emulator's manual clock, so the state can be read while it is in flight.
    const emu = await emulator({ clock, faults: [{ route: "batches.create", kind: "latency", ms: 1000 }] });
    const running = submit(dir, emu, []);
    for (let i = 0; i < 500 && (emu.record.counts["batches.create"] ?? 0) === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(emu.record.counts["batches.create"]).toBe(1);
    const state = readState(dir);
    expect(state.intents["1"]).toMatchObject({
      display_name: expect.stringMatching(/^gembatch-batches-b0001-/) as unknown,
      file_name: state.uploads["1"]!.file_name,
    });
    clock.advance(1000);
    const run = await running;
    expect(run.code).toBe(0);
    expect(readState(dir).intents).toEqual({});
  });

  it("failures are one readable line with the HTTP status and Google's status kept as fields", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator({ faults: [{ route: "batches.create", sequence: ["503"], repeat: true }] });
    const run = await submit(dir, emu, ["--max-retries", "1"]);
    expect(run.code).toBe(1);
    const outcome = run.json.outcomes[0]!;
    expect(outcome).toMatchObject({ outcome: "failed", http_status: 503, google_status: "UNAVAILABLE", attempts: 2 });
    expect(outcome.error).toMatch(/^batch 1: HTTP 503: The model is overloaded/);
    expect(outcome.error).not.toMatch(/[{}\n]/);
    expect(readState(dir).failed_batches["1"]).toMatchObject({
      error: outcome.error,
      http_status: 503,
      google_status: "UNAVAILABLE",
    });
    expect(readLog(dir).find((e) => e.event === "error")?.data).toMatchObject({
      message: outcome.error,
      http_status: 503,
      google_status: "UNAVAILABLE",
    });
    const again = await submit(dir, emu, []);
    expect(again.json.outcomes[0]).toMatchObject({ outcome: "failed", http_status: 503, google_status: "UNAVAILABLE" });
  });
});

describe("submit: what stops a run, and with which exit code", () => {
  it("a per-day quota on batches.create stops with exit 3 and leaves the other batches untouched", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({
      faults: [{ route: "batches.create", sequence: ["ok", "daily_quota_429", "daily_quota_429"] }],
    });
    const run = await submit(dir, emu, []);
    expect(run.code).toBe(3);
    expect(run.json.error).toMatchObject({
      code: "API_QUOTA",
      message: expect.stringContaining("daily quota") as unknown,
    });
    expect(run.json.outcomes.filter((o) => o.outcome === "failed")).toEqual([]);
    expect(readState(dir).failed_batches).toEqual({});
    expect(emu.record.batches).toHaveLength(1);
    // The next day: the quota is back. (Whether batch 3's create was tried before the stop depends on
    // timing, so the faults are cleared rather than counted.)
    emu.setFaults([]);
    const resumed = await submit(dir, emu, []);
    expect(resumed.code).toBe(0);
    expect([...jobsByDisplayName(emu).values()]).toEqual([1, 1, 1]);
  });

  it("a per-day quota stops the batches still waiting for room too: none of them is created", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: 60_000, runningMs: 60_000 } });
    expect((await submit(dir, emu, ["1", "1"])).code).toBe(0);
    emu.setFaults([{ route: "batches.create", sequence: ["daily_quota_429"] }]);
    // Room for one more job: one of batches 2 and 3 creates (refused), the other waits for room.
    const run = await submit(dir, emu, ["--max-concurrent-jobs", "2", "--poll-interval", "0.01"], {
      clock: createManualClock(),
    });
    expect(run.code).toBe(3);
    expect(emu.record.counts["batches.create"]).toBe(2);
    expect(emu.record.batches).toHaveLength(1);
    expect(readState(dir).failed_batches).toEqual({});
  });

  it("a refused key stops submit with exit 3", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator();
    const run = await submit(dir, emu, [], { env: { GEMINI_API_KEY: "not-the-key" } });
    expect(run.code).toBe(3);
    expect(run.json.error.code).toBe("API_AUTH");
    expect(readState(dir).failed_batches).toEqual({});
  });

  it("status with the API unreachable exits 3 after its retries", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator();
    expect((await submit(dir, emu, [])).code).toBe(0);
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const clock = createManualClock();
    const run = await submit(dir, emu, ["status"], { clock, env: { GEMBATCH_BASE_URL: `http://127.0.0.1:${closed}` } });
    expect(run.code).toBe(3);
    expect(run.json.error.code).toBe("API_UNREACHABLE");
    expect(clock.slept.length).toBeGreaterThan(0);
  });

  it("a second writer on a locked state exits 2 and names the holder", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator();
    expect((await submit(dir, emu, [])).code).toBe(0);
    const holder = openStateStore(dir, "gembatch submit");
    await holder.lock();
    try {
      for (const argv of [[], ["status"]]) {
        const run = await submit(dir, emu, argv);
        expect(run.code).toBe(2);
        expect(run.json.error).toMatchObject({
          code: "STATE_LOCKED",
          message: expect.stringContaining("is locked by pid") as unknown,
        });
      }
    } finally {
      await holder.release();
    }
    expect(existsSync(path.join(dir, "batch_submission_state.json"))).toBe(true);
  });
});
