import { writeFileSync, appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createManualClock } from "@gembatch/core";
import { createGeminiClient } from "@gembatch/core";
import {
  API_KEY,
  emulator,
  jobsByDisplayName,
  readLog,
  readState,
  submit,
  workspace,
  writeBatches,
} from "../test/helpers/setup.js";

describe("gembatch submit", () => {
  it("submits 204 batch files: one job per file, state and log agree with the server", async () => {
    const dir = workspace();
    writeBatches(dir, 204, 1);
    const emu = await emulator();
    const run = await submit(dir, emu, []);
    expect(run.code).toBe(0);
    expect(run.json.totals).toMatchObject({
      batches: 204,
      submitted_this_run: 204,
      submitted_overall: 204,
      remaining: 0,
    });
    const counts = jobsByDisplayName(emu);
    expect(counts.size).toBe(204);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const state = readState(dir);
    expect(state.last_completed_batch).toBe(204);
    expect(Object.keys(state.submitted_jobs)).toHaveLength(204);
    expect(Object.keys(state.intents)).toHaveLength(0);
    const serverNames = new Set(emu.record.batches.map((b) => b.name));
    for (const job of Object.values(state.submitted_jobs)) expect(serverNames.has(job.job_name)).toBe(true);
    const events = readLog(dir).map((e) => e.event);
    expect(events.filter((e) => e === "upload_success")).toHaveLength(204);
    expect(events.filter((e) => e === "batch_created")).toHaveLength(204);
    expect(emu.record.uploads.completed).toBe(204);
  }, 120_000);

  it("resumes from a range and never submits a batch twice", async () => {
    const dir = workspace();
    writeBatches(dir, 12);
    const emu = await emulator();
    expect((await submit(dir, emu, ["3", "5"])).json.totals.submitted_this_run).toBe(3);
    const second = await submit(dir, emu, ["4", "8"]);
    expect(second.json.outcomes.map((o) => `${o.batch}:${o.outcome}`)).toEqual([
      "4:skipped",
      "5:skipped",
      "6:submitted",
      "7:submitted",
      "8:submitted",
    ]);
    const all = await submit(dir, emu, []);
    expect(all.json.totals).toMatchObject({
      submitted_this_run: 6,
      skipped_already_submitted: 6,
      submitted_overall: 12,
    });
    expect(emu.record.batches).toHaveLength(12);
    expect(emu.record.uploads.completed).toBe(12);
  });

  it("validates every line before touching the API: file:line, exit 2, nothing submitted", async () => {
    const dir = workspace();
    const batches = writeBatches(dir, 3);
    appendFileSync(path.join(batches, "batch_002.jsonl"), '{"key": "b2-r9", "request": {"contents": []}}\n');
    writeFileSync(
      path.join(batches, "batch_003.jsonl"),
      '{"key": "b1-r1", "request": {"contents": [{"parts": [{"text": "dup"}]}]}}\nnot json\n',
    );
    const emu = await emulator();
    const run = await submit(dir, emu, []);
    expect(run.code).toBe(2);
    expect(run.json.error.message).toBe("batch_002.jsonl:3: request.contents: expected a non-empty array (and 3 more)");
    expect(run.json.error.details.problems).toEqual([
      "batch_002.jsonl:3: request.contents: expected a non-empty array",
      'batch_003.jsonl:1: key "b1-r1" already used at batch_001.jsonl:1',
      "batch_003.jsonl:2: not valid JSON",
      "batch_003.jsonl: no requests",
    ]);
    expect(emu.record.counts).toEqual({});
  });

  it("survives 429 storms: waits the RetryInfo delay when sent, else --rate-limit-wait (no real waiting)", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({
      faults: [
        {
          route: "batches.create",
          sequence: [
            { kind: "rate_limit_429", retryDelay: "37s" },
            { kind: "rate_limit_429", retryDelay: "37s" },
            "ok",
            "batch_create_429",
            "batch_create_429",
            "batch_create_429",
            "ok",
          ],
        },
      ],
    });
    const clock = createManualClock();
    const run = await submit(dir, emu, ["--rate-limit-wait", "180"], { clock });
    expect(run.code).toBe(0);
    expect(clock.slept).toEqual([37_000, 37_000, 180_000, 180_000, 180_000]);
    expect(run.json.rate_limit_waits).toBe(5);
    expect(jobsByDisplayName(emu).size).toBe(3);
    expect(emu.record.batches).toHaveLength(3);
    expect(readLog(dir).filter((e) => e.event === "rate_limited")).toHaveLength(5);
  });

  it("records a batch that keeps failing, goes on, and takes it again with --retry-failed", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator({ faults: [{ route: "batches.create", sequence: ["ok", "500", "500", "500"] }] });
    // One create at a time, so the scripted 500s all land on batch 2.
    const first = await submit(dir, emu, ["--max-retries", "2", "--create-concurrency", "1"]);
    expect(first.code).toBe(1);
    expect(first.json.outcomes.map((o) => o.outcome)).toEqual(["submitted", "failed", "submitted"]);
    expect(readState(dir).failed_batches["2"]).toMatchObject({ attempts: 3 });
    const skipped = await submit(dir, emu, []);
    expect(skipped.json.outcomes[1]!.outcome).toBe("failed");
    const retried = await submit(dir, emu, ["--retry-failed"]);
    expect(retried.code).toBe(0);
    expect(retried.json.outcomes.map((o) => o.outcome)).toEqual(["skipped", "submitted", "skipped"]);
    expect(readState(dir).failed_batches).toEqual({});
    expect(emu.record.batches).toHaveLength(3);
  });

  it("adopts the job an interrupted create left on the server instead of creating it again", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator();
    expect((await submit(dir, emu, ["1", "1"])).code).toBe(0);
    // Simulate a crash between create and the save: the server has job 2, the state only its intent.
    const state = readState(dir);
    const client = await createGeminiClient({ apiKey: API_KEY, baseUrl: emu.url });
    const uploaded = await client.files.upload({
      file: path.join(dir, "batches", "batch_002.jsonl"),
      config: { mimeType: "application/jsonl" },
    });
    const displayName = `gembatch-batches-b0002-${state.batch_files["2"]!.sha256.slice(0, 12)}`;
    const job = await client.batches.create({ model: state.model, src: uploaded.name!, config: { displayName } });
    state.intents["2"] = { display_name: displayName, file_name: uploaded.name!, at: new Date().toISOString() };
    writeFileSync(path.join(dir, "batch_submission_state.json"), JSON.stringify(state));
    const resumed = await submit(dir, emu, []);
    expect(resumed.json.outcomes.map((o) => o.outcome)).toEqual(["skipped", "adopted"]);
    expect(readState(dir).submitted_jobs["2"]).toMatchObject({ job_name: job.name, adopted: true });
    expect(jobsByDisplayName(emu).get(displayName)).toBe(1);
  });

  it("reports bad input before a missing API key, and the missing key before touching the API", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator();
    const noKey = { GEMINI_API_KEY: "" };
    expect((await submit(dir, emu, ["2", "1"], { env: noKey })).json.error.message).toBe("end: 1 is before start 2");
    expect((await submit(dir, emu, ["--dir", "nope"], { env: noKey })).json.error.message).toBe(
      "dir: directory not found: nope",
    );
    const run = await submit(dir, emu, [], { env: noKey });
    expect(run.code).toBe(3);
    expect(run.json.error.code).toBe("NO_API_KEY");
    expect(emu.record.counts).toEqual({});
  });

  it("refuses to resume when a submitted input file changed", async () => {
    const dir = workspace();
    const batches = writeBatches(dir, 2);
    const emu = await emulator();
    await submit(dir, emu, []);
    appendFileSync(
      path.join(batches, "batch_001.jsonl"),
      '{"key": "new", "request": {"contents": [{"parts": [{"text": "x"}]}]}}\n',
    );
    const run = await submit(dir, emu, []);
    expect(run.code).toBe(2);
    expect(run.json.error.message).toMatch(/^batch 1: batch_001\.jsonl is not the file that was submitted as batch 1/);
  });

  it("waits for room under the token budget while a create is in flight, on a manual clock too", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    // A slow create, so batch 2 reaches the gate while batch 1's create is still in flight.
    const emu = await emulator({
      timeScale: 1,
      batch: { pendingMs: 100, runningMs: 100 },
      faults: [{ route: "batches.create", kind: "latency", ms: 200 }],
    });
    // Each file is ~10 tokens: the budget holds one batch, so batch 2 waits for batch 1's create and job.
    const run = await submit(dir, emu, ["--max-enqueued-tokens", "12", "--poll-interval", "1"]);
    expect(run.code).toBe(0);
    expect(emu.record.batches).toHaveLength(2);
    expect(readLog(dir).filter((e) => e.event === "waiting_for_capacity")).toHaveLength(1);
  }, 20_000);

  it("waits for running jobs instead of crossing the concurrent-job limit", async () => {
    const dir = workspace();
    writeBatches(dir, 5);
    const emu = await emulator({
      timeScale: 1,
      quotas: { concurrentBatches: 2 },
      batch: { pendingMs: 200, runningMs: 300 },
    });
    const run = await submit(dir, emu, ["--max-concurrent-jobs", "2", "--poll-interval", "0.05"]);
    expect(run.code).toBe(0);
    expect(emu.record.batches).toHaveLength(5);
    expect(emu.record.quota.rejections).toHaveLength(0);
    expect(readLog(dir).some((e) => e.event === "waiting_for_capacity")).toBe(true);
  });
});
