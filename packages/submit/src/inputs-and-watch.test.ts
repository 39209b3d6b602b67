import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createManualClock } from "@gembatch/core";
import { emulator, readState, submit, workspace, writeBatches } from "../test/helpers/setup.js";
import type { FinalReport } from "./final-report.js";

const HOUR = 3_600_000;

describe("submit: ranges, work dirs and the path rule", () => {
  it("a range that ends past the last batch is exit 2, one line saying how many batches the dir holds, nothing touched", async () => {
    const dir = workspace();
    writeBatches(dir, 3);
    const emu = await emulator();
    for (const [argv, message] of [
      [["1", "999"], "end: there is no batch 999; batches holds 3 batches"],
      [["4", "9"], "start: there is no batch 4; batches holds 3 batches"],
      [["--work-dir", "runs/a", "2", "4"], "end: there is no batch 4; batches holds 3 batches"],
    ] as const) {
      const run = await submit(dir, emu, [...argv]);
      expect(run.code).toBe(2);
      expect(run.json.error.message).toBe(message);
    }
    expect(existsSync(path.join(dir, "batch_submission_state.json"))).toBe(false);
    expect(existsSync(path.join(dir, "runs"))).toBe(false);
    expect(emu.record.counts).toEqual({});
  });

  it("a missing --work-dir is exit 2 naming the dir for status, download, collect and cancel; only submit creates it", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator();
    for (const sub of ["status", "download", "collect", "cancel"]) {
      const run = await submit(dir, emu, [sub, "--work-dir", "runs/missing"]);
      expect(run.code, sub).toBe(2);
      expect(run.json.error).toMatchObject({
        code: "FILE_NOT_FOUND",
        message: "work_dir: directory not found: runs/missing",
      });
      expect(run.err).not.toMatch(/ENOENT|at .*\.js/);
    }
    expect(existsSync(path.join(dir, "runs"))).toBe(false);
    const created = await submit(dir, emu, ["--work-dir", "runs/new"]);
    expect(created.code).toBe(0);
    expect(existsSync(path.join(dir, "runs", "new", "batch_submission_state.json"))).toBe(true);
  });

  it("argument paths are relative to the current directory and inside the project; result paths are relative to the project root", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const sub = path.join(dir, "sub");
    mkdirSync(sub);
    const emu = await emulator();
    const run = await submit(sub, emu, ["--dir", "../batches", "--work-dir", "../runs/a"]);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      state_file: "runs/a/batch_submission_state.json",
      log_file: "runs/a/batch_submission_log.jsonl",
      report_file: "runs/a/batch_submission_final_report.json",
    });
    expect(run.json.outcomes.map((o) => o.file)).toEqual(["batches/batch_001.jsonl", "batches/batch_002.jsonl"]);
    await submit(sub, emu, ["status", "--work-dir", "../runs/a", "--watch", "--interval", "1"]);

    const byDefault = await submit(sub, emu, ["download", "--work-dir", "../runs/a"]);
    expect(byDefault.json.out_dir).toBe("runs/a/gemini_batch_results");
    const given = await submit(sub, emu, ["download", "--work-dir", "../runs/a", "--out", "results"]);
    expect(given.json.out_dir).toBe("sub/results");
    expect(given.json.downloads.map((d) => d.file)).toEqual([
      "sub/results/batch_0001.jsonl",
      "sub/results/batch_0002.jsonl",
    ]);
    expect(existsSync(path.join(sub, "results", "batch_0001.jsonl"))).toBe(true);

    const collect = await submit(sub, emu, [
      "collect",
      "--work-dir",
      "../runs/a",
      "--results-dir",
      "results",
      "--out",
      "merged.jsonl",
    ]);
    expect(collect.code).toBe(0);
    expect(collect.json.output_file).toBe("sub/merged.jsonl");
    expect(existsSync(path.join(sub, "merged.jsonl"))).toBe(true);

    const outside = await submit(sub, emu, ["status", "--work-dir", os.tmpdir()]);
    expect(outside.code).toBe(2);
    expect(outside.json.error).toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      message: `work_dir: outside the project root: ${os.tmpdir()}`,
    });
  });
});

describe("submit status: jobs watched to the end", () => {
  it("flags a job pending longer than --stuck-after and one near its 48 h expiry (manual clock)", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: 100 * HOUR, runningMs: HOUR } });
    const clock = createManualClock();
    expect((await submit(dir, emu, [], { clock })).code).toBe(0);
    const submittedAt = clock.now();
    const fresh = await submit(dir, emu, ["status"], { clock });
    expect(fresh.json.jobs[0]).toMatchObject({
      state: "PENDING",
      flags: [],
      expires_at: new Date(submittedAt + 48 * HOUR).toISOString(),
    });
    expect(fresh.json.warnings).toBeUndefined();

    clock.advance(25 * HOUR);
    const stuck = await submit(dir, emu, ["status"], { clock });
    expect(stuck.json.jobs[0]!.flags).toEqual(["stuck"]);
    expect(stuck.json.warnings).toEqual([
      "batch 1: PENDING for 25 h (over --stuck-after 24 h); consider cancelling it and resubmitting the file in smaller pieces",
    ]);
    expect((await submit(dir, emu, ["status", "--stuck-after", "30"], { clock })).json.jobs[0]!.flags).toEqual([]);

    clock.advance(18 * HOUR);
    const expiring = await submit(dir, emu, ["status"], { clock });
    expect(expiring.json.jobs[0]!.flags).toEqual(["stuck", "expiring"]);
    expect(expiring.json.warnings[1]).toBe(
      `batch 1: not finished; Google expires it at ${new Date(submittedAt + 48 * HOUR).toISOString()} (in 5 h) and it then has no results`,
    );
  });

  it("--watch off a terminal prints a line per change as it happens, and says how long results stay downloadable", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: 150, runningMs: 150 } });
    expect((await submit(dir, emu, [])).code).toBe(0);
    const watch = await submit(dir, emu, ["status", "--watch", "--interval", "0.02"]);
    expect(watch.code).toBe(0);
    const lines = watch.err
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("batch"));
    for (const batch of ["1", "2"]) {
      const mine = lines.filter((l) => new RegExp(`^batch +${batch} `).test(l));
      expect(mine[0]).toMatch(/PENDING|RUNNING/);
      expect(mine.at(-1)).toMatch(/SUCCEEDED +2\/2 done .*\(was (PENDING|RUNNING)\)$/);
      expect(new Set(mine).size).toBe(mine.length);
    }
    const until = watch.json.results_downloadable_until;
    expect(Date.parse(until!) - Date.parse(readState(dir).submitted_jobs["1"]!.end_time!)).toBeGreaterThanOrEqual(
      48 * HOUR - 1000,
    );
    expect(watch.json.warnings).toEqual([
      expect.stringMatching(/^2 succeeded job\(s\) not downloaded: .*until .*download promptly$/) as unknown,
    ]);
    expect(watch.json.jobs[0]).toMatchObject({
      downloaded: false,
      results_downloadable_until: expect.any(String) as unknown,
    });

    await submit(dir, emu, ["download"]);
    const after = await submit(dir, emu, ["status"]);
    expect(after.json.results_downloadable_until).toBeNull();
    expect(after.json.warnings).toBeUndefined();
    expect(after.json.jobs.every((j) => j.downloaded)).toBe(true);
  });

  it("the final report names when the jobs expire", async () => {
    const dir = workspace();
    writeBatches(dir, 1);
    const emu = await emulator({ timeScale: 1, batch: { pendingMs: HOUR, runningMs: HOUR } });
    const clock = createManualClock();
    expect((await submit(dir, emu, [], { clock })).code).toBe(0);
    const report = JSON.parse(
      (await import("node:fs")).readFileSync(path.join(dir, "batch_submission_final_report.json"), "utf8"),
    ) as FinalReport;
    const expires = new Date(clock.now() + 48 * HOUR).toISOString();
    expect(report.batches[0]!.expires_at).toBe(expires);
    expect(report.deadlines).toMatchObject({
      jobs_expire_by: expires,
      results_downloadable_until: null,
      note: expect.stringContaining("download promptly") as unknown,
    });
  });
});

describe("submit --webhook-uri", () => {
  it("registers the URL on every job's create (webhookConfig), with the batch and display name as user metadata", async () => {
    const dir = workspace();
    writeBatches(dir, 2);
    const emu = await emulator();
    const run = await submit(dir, emu, ["--webhook-uri", "https://hooks.example.com/gemini"]);
    expect(run.code).toBe(0);
    const byName = new Map(emu.record.batches.map((b) => [b.displayName, b.webhookConfig]));
    for (const [n, job] of Object.entries(readState(dir).submitted_jobs)) {
      expect(byName.get(job.display_name)).toEqual({
        uris: ["https://hooks.example.com/gemini"],
        userMetadata: { batch: n, display_name: job.display_name },
      });
    }
    const bad = await submit(dir, emu, ["--webhook-uri", "http://insecure.example.com"]);
    expect(bad.code).toBe(2);
    expect(bad.json.error.message).toMatch(/^webhook_uri\[0\]: /);
  });
});
