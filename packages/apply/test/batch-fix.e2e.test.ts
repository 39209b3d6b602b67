import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/emulator";
import { waitFor } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import {
  answer,
  answerRetry,
  contextLosingFix,
  errorPathFix,
  exampleProject,
  goodFix,
  LOGGER_BIND_FILES,
  read,
  SLOW_VERIFY,
  slowVerify,
  truncatedAnswer,
} from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import {
  batchOnly,
  ledger,
  NOTIFICATIONS,
  originals,
  PAYMENTS,
  SERVICE,
  statuses,
  type Result,
} from "./batch-helpers.js";
import { gembatch, parse } from "./bin.js";
import type { ErrorDoc } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";

describe("gembatch scan-and-fix --via batch (built bin, emulator on a manual clock)", () => {
  it("submit → pending exit → resume before done (nothing applied) → resume after done: fixed files, verify run, a failure report, retries sync, costs in the ledger once", async () => {
    const root = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({
      clock,
      script: [
        answerRetry(SERVICE, errorPathFix(root, SERVICE)),
        answerRetry(NOTIFICATIONS, goodFix(root, NOTIFICATIONS)),
        batchOnly(answer(SERVICE, contextLosingFix(root, SERVICE))),
        batchOnly(truncatedAnswer(NOTIFICATIONS, goodFix(root, NOTIFICATIONS))),
        batchOnly(answer(PAYMENTS, goodFix(root, PAYMENTS))),
      ],
    });
    const before = originals(root);

    const submitted = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--via", "batch", "--json"], {
      emu,
    });
    expect(submitted.exitCode).toBe(0);
    const first: Result = parse<ScanAndFixResult>(submitted.stdout);
    expect(first).toMatchObject({ stopped: "pending", success: false, files_found: 3 });
    expect(first.batch!.jobs).toEqual([
      expect.objectContaining({
        batch: 1,
        job_name: expect.stringMatching(/^batches\//) as unknown,
        requests: 3,
      }) as unknown,
    ]);
    expect(first.batch!.resume_command).toBe(`gembatch scan-and-fix --resume --output-dir ${first.output_dir}`);
    expect(readFileSync(path.join(root, first.summary_markdown_file), "utf8")).toContain(first.batch!.resume_command);
    expect(emu.record.batches).toHaveLength(1);
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(originals(root)).toEqual(before);

    const early = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(early.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(early.stdout)).toMatchObject({ stopped: "pending", files_fixed: 0 });
    expect(early.stderr).toMatch(/batch: 0\/1 job\(s\) ended, 0\/3 request\(s\) answered; nothing applied yet/);
    expect(originals(root)).toEqual(before);
    expect(emu.record.batches).toHaveLength(1);

    clock.advance(10_000);
    const done = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(done.exitCode).toBe(1);
    const result: Result = parse<ScanAndFixResult>(done.stdout);
    expect(result.stopped).toBeUndefined();
    expect(statuses(result)).toEqual({ [NOTIFICATIONS]: "fixed/2", [PAYMENTS]: "fixed/1", [SERVICE]: "failed/2" });
    expect(read(root, PAYMENTS)).toBe(goodFix(exampleProject(), PAYMENTS));
    expect(read(root, NOTIFICATIONS)).toBe(goodFix(exampleProject(), NOTIFICATIONS));
    expect(read(root, SERVICE)).toBe(before[SERVICE]);
    // The two retries went over sync; the batch job was not created again.
    expect(emu.record.counts.generateContent).toBe(2);
    expect(emu.record.batches).toHaveLength(1);
    const runDir = path.join(root, result.runs[0]!.run_dir!);
    expect(existsSync(path.join(runDir, "verify", "2_payments.attempt1.after.1.log"))).toBe(true);
    const report = readFileSync(path.join(root, result.failure_reports[0]!), "utf8");
    expect(report).toMatch(/\*\*Attempt 1 Error\*\*: verify failed: .*FAIL: test_log_records_carry_the_order_id/);
    expect(emu.record.generate.map((g: { prompt: string }) => g.prompt).join("\n")).toMatch(
      /the reply could not be used \(truncated\)/,
    );
    // Batch rows once each at batch rates, then the two sync retries.
    const rows = ledger(root);
    expect(rows.filter((r) => r.batch === true)).toHaveLength(3);
    expect(rows.filter((r) => r.batch !== true)).toHaveLength(2);
    const batchCost = rows.filter((r) => r.batch === true).reduce((sum, r) => sum + (r.cost ?? 0), 0);
    expect(batchCost).toBeGreaterThan(0);

    const again = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(parse<ScanAndFixResult>(again.stdout).files_fixed).toBe(2);
    expect(ledger(root)).toHaveLength(5);
    expect(emu.record.counts.generateContent).toBe(2);
  });

  it("a job that expires with half the results: what came back is applied, the rest listed; --resume --resubmit-missing sends only those again", async () => {
    const root = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({
      clock,
      batch: { expireAfterMs: 60_000 },
      script: {
        replies: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))),
        batches: [{ match: { displayNameRegex: "-b0002-" }, outcome: "EXPIRED", times: 1 }],
      },
    });
    const before = originals(root);
    const submitted = await gembatch(
      root,
      ["scan-and-fix", "--rules", "logger-bind", "--via", "batch", "--batch-max-requests", "2", "--json"],
      { emu },
    );
    expect(submitted.exitCode).toBe(0);
    const first: Result = parse<ScanAndFixResult>(submitted.stdout);
    expect(first.batch!.jobs.map((j) => j.requests)).toEqual([2, 1]);
    expect(emu.record.batches).toHaveLength(2);

    clock.advance(120_000);
    const half = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(half.exitCode).toBe(1);
    const partial: Result = parse<ScanAndFixResult>(half.stdout);
    expect(partial.batch!.jobs.map((j) => j.state)).toEqual(["SUCCEEDED", "EXPIRED"]);
    expect(statuses(partial)).toEqual({ [NOTIFICATIONS]: "fixed/1", [PAYMENTS]: "fixed/1", [SERVICE]: "pending/0" });
    expect(partial.batch!.missing).toEqual([SERVICE]);
    expect(partial.batch!.resume_command).toBe(
      `gembatch scan-and-fix --resume --output-dir ${first.output_dir} --resubmit-missing`,
    );
    expect(readFileSync(path.join(root, partial.summary_markdown_file), "utf8")).toMatch(
      /1 file\(s\) have no result[\s\S]*- `orders\/service.py`/,
    );
    expect(read(root, SERVICE)).toBe(before[SERVICE]);
    // Nothing went over sync: a file with no result waits for its resubmission.
    expect(emu.record.counts.generateContent ?? 0).toBe(0);

    const resubmitted = await gembatch(
      root,
      ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--resubmit-missing", "--json"],
      { emu },
    );
    expect(resubmitted.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(resubmitted.stdout)).toMatchObject({ stopped: "pending" });
    expect(emu.record.batches).toHaveLength(3);
    expect(emu.record.batches[2]!.requestCount).toBe(1);

    clock.advance(10_000);
    const finished = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(finished.exitCode).toBe(0);
    const last: Result = parse<ScanAndFixResult>(finished.stdout);
    expect(statuses(last)).toEqual({ [NOTIFICATIONS]: "fixed/1", [PAYMENTS]: "fixed/1", [SERVICE]: "fixed/1" });
    expect(last.batch!.missing).toEqual([]);
    expect(read(root, SERVICE)).toBe(goodFix(exampleProject(), SERVICE));
    expect(ledger(root).filter((r) => r.batch === true)).toHaveLength(3);
  });

  it("a resume from the run directory copied into another checkout of the project applies there; --wait polls with progress on stderr", async () => {
    const submitter = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({ clock, script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(submitter, f))) });
    const submitted = await gembatch(
      submitter,
      ["scan-and-fix", "--rules", "logger-bind", "--via", "batch", "--json"],
      { emu },
    );
    const first: Result = parse<ScanAndFixResult>(submitted.stdout);
    expect(first.stopped).toBe("pending");

    // Nothing in the run directory names the machine's path to the project: it is portable as it is.
    const runFiles = readdirSync(path.join(submitter, first.output_dir), {
      recursive: true,
      withFileTypes: true,
    }).filter((e) => e.isFile());
    expect(runFiles.length).toBeGreaterThan(5);
    for (const entry of runFiles)
      expect(readFileSync(path.join(entry.parentPath, entry.name), "utf8")).not.toContain(submitter);
    const applier = exampleProject();
    cpSync(path.join(submitter, first.output_dir), path.join(applier, first.output_dir), { recursive: true });
    const child = gembatch(
      applier,
      ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--wait", "--poll-interval", "0.05", "--json"],
      { emu },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 3000 && !/checking again in/.test(stderr); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stderr).toMatch(/batch: 0\/1 job\(s\) ended, 0\/3 request\(s\) answered; checking again in 0s/);
    clock.advance(10_000);
    const run = await child;
    expect(run.exitCode).toBe(0);
    expect(statuses(parse(run.stdout))).toEqual({
      [NOTIFICATIONS]: "fixed/1",
      [PAYMENTS]: "fixed/1",
      [SERVICE]: "fixed/1",
    });
    for (const file of LOGGER_BIND_FILES) expect(read(applier, file)).toBe(goodFix(submitter, file));
    expect(originals(submitter)).toEqual(originals(exampleProject()));
    expect(emu.record.batches).toHaveLength(1);
  });

  it("batch flags given where they mean nothing are bad input: exit 2, one line naming the field, nothing written", async () => {
    const root = exampleProject();
    for (const [args, message] of [
      [["--resubmit-missing"], /^resubmit_missing: only with resume/],
      [["--resume", "--via", "batch"], /^via: a resume continues the run the way it started/],
      [["--via", "fast"], /via/],
    ] as const) {
      const run = await gembatch(root, ["scan-and-fix", ...args, "--json"], { emu: null });
      expect(run.exitCode).toBe(2);
      expect(parse<ErrorDoc>(run.stdout).error.message).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(path.join(root, "tmp", "gembatch_cost_ledger.jsonl"))).toBe(false);
  });

  it("Ctrl-C while --wait polls: exit 130, nothing applied, the job left running; a later resume picks it up", async () => {
    const root = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({ clock, script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))) });
    const before = originals(root);
    const child = gembatch(
      root,
      ["scan-and-fix", "--rules", "logger-bind", "--via", "batch", "--wait", "--poll-interval", "0.05", "--json"],
      { emu },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 3000 && !/checking again in/.test(stderr); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill("SIGINT");
    const run = await child;
    expect(run.exitCode).toBe(130);
    const result: Result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ stopped: "interrupted", files_fixed: 0 });
    expect(originals(root)).toEqual(before);
    expect(emu.record.batches.map((b) => b.cancelled)).toEqual([false]);
    clock.advance(10_000);
    const resumed = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", result.output_dir, "--json"], {
      emu,
    });
    expect(resumed.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(resumed.stdout).files_fixed).toBe(3);
    expect(emu.record.batches).toHaveLength(1);
  });

  it("Ctrl-C while a batch reply is being verified: the original back, exit 130; the next resume finishes it without asking again", async () => {
    const root = exampleProject();
    slowVerify(root);
    const clock = createManualClock();
    const emu = await useEmulator({ clock, script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const original = read(root, PAYMENTS);
    const verify = ["--verify", SLOW_VERIFY];
    const first: Result = parse<ScanAndFixResult>(
      (
        await gembatch(
          root,
          ["scan-and-fix", PAYMENTS, "--rules", "logger-bind", "--via", "batch", ...verify, "--json"],
          { emu },
        )
      ).stdout,
    );
    clock.advance(10_000);
    const child = gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, ...verify, "--json"], {
      emu,
    });
    await waitFor(() => existsSync(path.join(root, "VERIFY_STARTED")), "the verify command", 30_000);
    child.kill("SIGINT");
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(parse(run.stdout)).toMatchObject({ stopped: "interrupted" });
    expect(read(root, PAYMENTS)).toBe(original);
    rmSync(path.join(root, "SLOW"));
    const resumed = await gembatch(
      root,
      ["scan-and-fix", "--resume", "--output-dir", first.output_dir, ...verify, "--json"],
      { emu },
    );
    expect(resumed.exitCode).toBe(0);
    expect(statuses(parse<ScanAndFixResult>(resumed.stdout))).toEqual({ [PAYMENTS]: "fixed/1" });
    expect(read(root, PAYMENTS)).toBe(goodFix(exampleProject(), PAYMENTS));
    expect(emu.record.batches).toHaveLength(1);
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(ledger(root).filter((r) => r.batch === true)).toHaveLength(1);
  });
});
