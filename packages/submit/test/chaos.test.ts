import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gembatch } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import {
  API_KEY,
  emulator,
  jobsByDisplayName,
  readLog,
  readState,
  workspace,
  writeBatches,
  type SubmitDoc,
} from "./helpers/setup.js";

/** Enough work that a run outlives its kill timer even on a quiet machine. */
const BATCHES = 160;

describe("chaos: SIGKILL the submitter at random moments", () => {
  it("ends with exactly one job per input file, no batch failed, and a state file that agrees with the server (35 kills, concurrent creates, 503s)", async () => {
    const dir = workspace();
    writeBatches(dir, BATCHES, 1);
    // Short backoffs: the retries below run on the real clock. The faults are far denser than any real
    // outage (a third of all look-ups fail), so the policy gets more retries than its default of 5:
    // exhausting them is not what this test is about (the resilience tests pin that case).
    writeFileSync(
      path.join(dir, "gembatch.config.json"),
      JSON.stringify({ retry: { base_delay_ms: 10, max_delay_ms: 50, max_retries: 12 } }),
    );
    // Real-time latency on every route so each run spends its life in the middle of uploads and creates
    // (16 in flight at once, under a 30-job limit so job states are polled too). Occasional 503s on the
    // look-ups, the upload checks and the polls, and creates the server carries out but answers with a
    // 503 or a cut connection: every one must be retried or adopted, never a batch failed or made twice.
    const emu = await emulator({
      timeScale: 1,
      batch: { pendingMs: 150, runningMs: 250 },
      faults: {
        seed: 11,
        rules: [
          { route: "*", kind: "latency", ms: 40 },
          { route: ["batches.list", "files.get"], kind: "503", probability: 0.35 },
          { route: "batches.get", kind: "503", probability: 0.15 },
          { route: "batches.create", kind: { kind: "503", after: true }, probability: 0.05 },
          { route: "batches.create", kind: "reset", probability: 0.03 },
        ],
      },
    });
    const env = { GEMINI_API_KEY: API_KEY, GEMBATCH_BASE_URL: emu.url };
    let kills = 0;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 120 && kills < 35; round++) {
      const child = gembatch(
        dir,
        ["submit", "--dir", "batches", "--max-concurrent-jobs", "30", "--poll-interval", "0.05", "--json"],
        env,
      );
      const timer = setTimeout(() => child.kill("SIGKILL"), 200 + Math.floor(random() * 450));
      const result = await child;
      clearTimeout(timer);
      if (result.signal === "SIGKILL") kills += 1;
      else {
        if (result.exitCode !== 0) expect.fail(`run exited ${result.exitCode}: ${result.stderr}`);
        const doc = JSON.parse(result.stdout) as SubmitDoc;
        expect(doc.outcomes.filter((o) => o.outcome === "failed")).toEqual([]);
        if (doc.totals.remaining === 0) break;
      }
    }
    expect(kills).toBeGreaterThanOrEqual(30);
    const last = await gembatch(dir, ["submit", "--dir", "batches", "--max-concurrent-jobs", "30", "--json"], env);
    if (last.exitCode !== 0) {
      const failed = readState(dir).failed_batches;
      const events = readLog(dir).filter((e) => e.event === "error" || e.event === "retry");
      expect.fail(
        `the last run exited ${last.exitCode}: failed ${JSON.stringify(failed)}\n${JSON.stringify(events.slice(-12))}`,
      );
    }
    expect((JSON.parse(last.stdout) as SubmitDoc).totals).toMatchObject({ submitted_overall: BATCHES, remaining: 0 });

    const counts = jobsByDisplayName(emu);
    expect(counts.size).toBe(BATCHES);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const state = readState(dir);
    expect(Object.keys(state.intents)).toEqual([]);
    expect(state.failed_batches).toEqual({});
    const faults = emu.record.faults.map((f) => `${f.route}:${f.kind}`);
    // files.get is called only when a kill fell between an upload and its job; the resilience tests hold that case.
    for (const seen of ["batches.list:503", "batches.get:503", "batches.create:503", "batches.create:reset"])
      expect(faults).toContain(seen);
    const byName = new Map(emu.record.batches.map((b) => [b.name, b.displayName]));
    for (const job of Object.values(state.submitted_jobs)) expect(byName.get(job.job_name)).toBe(job.display_name);
    expect(Object.keys(state.submitted_jobs)).toHaveLength(BATCHES);
    for (const line of readFileSync(path.join(dir, "batch_submission_log.jsonl"), "utf8").trim().split("\n"))
      expect((): unknown => JSON.parse(line)).not.toThrow();
    // The log line is written when the create answers and the job is saved with the next save: a kill
    // between the two leaves the intent, which the next run settles as an adoption, so a batch is never
    // logged as created twice.
    const created = readLog(dir)
      .filter((e) => e.event === "batch_created")
      .map((e) => e.batch);
    expect(new Set(created).size).toBe(created.length);
    expect(created.length).toBeGreaterThan(50);
  }, 240_000);
});
