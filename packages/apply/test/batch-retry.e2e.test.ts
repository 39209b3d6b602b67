import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/emulator";
import { describe, expect, it } from "vitest";
import {
  answer,
  answerRetry,
  contextLosingFix,
  errorPathFix,
  exampleProject,
  goodFix,
  read,
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

type Row = { route: string; key?: string; prompt: string; settings?: { maxOutputTokens?: number } };
const batchRows = (rows: Row[]) => rows.filter((r) => r.route === "batch");

describe("gembatch scan-and-fix --via batch --retry-via batch (built bin, emulator on a manual clock)", () => {
  it("pending → resume: first replies applied, the failed ones retried as a new batch job (no sync call, still pending) → resume: a retry fixes one, a second bad reply ends in the failure report", async () => {
    const root = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({
      clock,
      script: [
        batchOnly(answerRetry(SERVICE, errorPathFix(root, SERVICE))),
        batchOnly(answerRetry(NOTIFICATIONS, goodFix(root, NOTIFICATIONS))),
        batchOnly(answer(SERVICE, contextLosingFix(root, SERVICE))),
        batchOnly(truncatedAnswer(NOTIFICATIONS, goodFix(root, NOTIFICATIONS))),
        batchOnly(answer(PAYMENTS, goodFix(root, PAYMENTS))),
      ],
    });
    const before = originals(root);

    const submitted = await gembatch(
      root,
      ["scan-and-fix", "--rules", "logger-bind", "--via", "batch", "--retry-via", "batch", "--json"],
      { emu },
    );
    expect(submitted.exitCode).toBe(0);
    const first: Result = parse<ScanAndFixResult>(submitted.stdout);
    expect(first).toMatchObject({ stopped: "pending", files_found: 3 });
    expect(emu.record.batches).toHaveLength(1);

    clock.advance(10_000);
    const resumed = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(resumed.exitCode).toBe(0);
    const middle: Result = parse<ScanAndFixResult>(resumed.stdout);
    expect(middle.stopped).toBe("pending");
    expect(statuses(middle)).toEqual({ [NOTIFICATIONS]: "pending/1", [PAYMENTS]: "fixed/1", [SERVICE]: "pending/1" });
    expect(read(root, PAYMENTS)).toBe(goodFix(exampleProject(), PAYMENTS));
    expect(read(root, SERVICE)).toBe(before[SERVICE]);
    expect(read(root, NOTIFICATIONS)).toBe(before[NOTIFICATIONS]);
    // The two retries went out as one new batch job; nothing over sync.
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(emu.record.batches).toHaveLength(2);
    expect(emu.record.batches[1]!.requestCount).toBe(2);
    expect(middle.batch!.jobs.map((j) => j.job_name)).toEqual(emu.record.batches.map((b) => b.name));
    expect(resumed.stderr).toMatch(/2 retry request\(s\) submitted as a new batch job/);
    expect(middle.failure_reports ?? []).toEqual([]);

    // Before the retry job ends: still pending, nothing more applied, nothing submitted again.
    const early = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(early.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(early.stdout).stopped).toBe("pending");
    expect(emu.record.batches).toHaveLength(2);

    clock.advance(10_000);
    const done = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(done.exitCode).toBe(1);
    const result: Result = parse<ScanAndFixResult>(done.stdout);
    expect(result.stopped).toBeUndefined();
    expect(statuses(result)).toEqual({ [NOTIFICATIONS]: "fixed/2", [PAYMENTS]: "fixed/1", [SERVICE]: "failed/2" });
    expect(read(root, NOTIFICATIONS)).toBe(goodFix(exampleProject(), NOTIFICATIONS));
    expect(read(root, SERVICE)).toBe(before[SERVICE]);
    const report = readFileSync(path.join(root, result.failure_reports[0]!), "utf8");
    expect(report).toMatch(/\*\*Attempt 1 Error\*\*: verify failed: .*FAIL: test_log_records_carry_the_order_id/);
    expect(report).toMatch(/\*\*Attempt 2 Error\*\*: verify failed/);
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(emu.record.batches).toHaveLength(2);
    // Five batch rows, each in the ledger once at batch rates; no sync row.
    const rows = ledger(root);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.batch === true)).toBe(true);
    // The retry after MAX_TOKENS asked for a larger reply, as the sync retry does.
    const generated = batchRows(emu.record.generate);
    const notificationRows = generated.filter((r) => r.prompt.includes(`FILE TO FIX: ${NOTIFICATIONS}`));
    expect(notificationRows).toHaveLength(2);
    expect(notificationRows[1]!.settings!.maxOutputTokens!).toBeGreaterThan(
      notificationRows[0]!.settings!.maxOutputTokens!,
    );

    const again = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(statuses(parse<ScanAndFixResult>(again.stdout))).toEqual(statuses(result));
    expect(ledger(root)).toHaveLength(5);
    expect(emu.record.batches).toHaveLength(2);
  });

  it("the retry's batch row carries the verify evidence and the change that failed, as the sync retry's request does", async () => {
    const root = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({
      clock,
      script: [
        batchOnly(answerRetry(SERVICE, goodFix(root, SERVICE))),
        batchOnly(answer(SERVICE, contextLosingFix(root, SERVICE))),
      ],
    });
    const first: Result = parse<ScanAndFixResult>(
      (
        await gembatch(
          root,
          ["scan-and-fix", SERVICE, "--rules", "logger-bind", "--via", "batch", "--retry-via", "batch", "--json"],
          { emu },
        )
      ).stdout,
    );
    clock.advance(10_000);
    const middle = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(parse<ScanAndFixResult>(middle.stdout).stopped).toBe("pending");
    clock.advance(10_000);
    const done = await gembatch(root, ["scan-and-fix", "--resume", "--output-dir", first.output_dir, "--json"], {
      emu,
    });
    expect(done.exitCode).toBe(0);
    expect(statuses(parse<ScanAndFixResult>(done.stdout))).toEqual({ [SERVICE]: "fixed/2" });
    const rows = batchRows(emu.record.generate);
    expect(rows).toHaveLength(2);
    const retry = rows[1]!;
    expect(retry.key).toMatch(/@2$/);
    expect(retry.prompt).toMatch(/Previous attempt failed/);
    // The verify output itself (not just the one-line error) in the retry's error block.
    const details = /The error, trimmed to what matters:\n\n(`{3,})text\n([\s\S]*?)\n\1/.exec(retry.prompt)?.[2] ?? "";
    expect(details).toContain("test_log_records_carry_the_order_id");
    expect(retry.prompt).toMatch(/^[-+].*logger/m);
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
  });

  it("--wait waits for the retry job too and applies its reply in the same call", async () => {
    const root = exampleProject();
    const clock = createManualClock();
    const emu = await useEmulator({
      clock,
      script: [
        batchOnly(answerRetry(SERVICE, goodFix(root, SERVICE))),
        batchOnly(answer(SERVICE, contextLosingFix(root, SERVICE))),
      ],
    });
    const child = gembatch(
      root,
      [
        "scan-and-fix",
        SERVICE,
        "--rules",
        "logger-bind",
        "--via",
        "batch",
        "--retry-via",
        "batch",
        "--wait",
        "--poll-interval",
        "0.05",
        "--json",
      ],
      { emu },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const until = async (pattern: RegExp) => {
      for (let i = 0; i < 3000 && !pattern.test(stderr); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await until(/checking again in/);
    clock.advance(10_000);
    await until(/retry request\(s\) submitted[\s\S]*checking again in/);
    expect(emu.record.batches).toHaveLength(2);
    clock.advance(10_000);
    const run = await child;
    expect(run.exitCode).toBe(0);
    const result: Result = parse(run.stdout);
    expect(result.stopped).toBeUndefined();
    expect(statuses(result)).toEqual({ [SERVICE]: "fixed/2" });
    expect(read(root, SERVICE)).toBe(goodFix(exampleProject(), SERVICE));
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
  });

  it("--retry-via batch on a run that is not a batch run is bad input: exit 2, one line naming the field", async () => {
    const root = exampleProject();
    const run = await gembatch(root, ["scan-and-fix", "--retry-via", "batch", "--json"], { emu: null });
    expect(run.exitCode).toBe(2);
    expect(parse<ErrorDoc>(run.stdout).error.message).toMatch(/^retry_via: only for a batch run/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(root, "tmp", "gembatch_cost_ledger.jsonl"))).toBe(false);
  });
});
