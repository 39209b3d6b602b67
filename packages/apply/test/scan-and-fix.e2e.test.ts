import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runExampleTests, waitFor } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import {
  ALL_FIXED,
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
  write,
} from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ErrorDoc } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";
import type { ScanResult } from "@gembatch/scan";

const SERVICE = "orders/service.py";
const PAYMENTS = "orders/payments.py";

describe("gembatch scan-and-fix on examples/python-service (built bin, emulator)", () => {
  it("(a) fixes every file on the first try: exit 0, the findings gone, the tests passing even with warnings as errors, the step summary appended", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))) });
    const stepSummary = path.join(root, "step-summary.md");
    writeFileSync(stepSummary, "# earlier step\n");
    const run = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--json"], {
      emu,
      env: { GITHUB_STEP_SUMMARY: stepSummary },
    });
    expect(run.exitCode).toBe(0);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ ...ALL_FIXED, failure_reports: [] });
    expect(result.files.map((f: { status: string; attempts: number }) => `${f.status}/${f.attempts}`)).toEqual([
      "fixed/1",
      "fixed/1",
      "fixed/1",
    ]);
    expect(emu.record.counts.generateContent).toBe(3);
    const strict = await runExampleTests(root);
    expect(strict.exitCode).toBe(0);
    const rescan = parse<ScanResult>(
      (await gembatch(root, ["scan", "--rules", "logger-bind", "--json"], { emu: null })).stdout,
    );
    expect(rescan.findings).toEqual([]);
    const markdown = readFileSync(stepSummary, "utf8");
    expect(markdown.startsWith("# earlier step\n## gembatch scan-and-fix")).toBe(true);
    expect(markdown).toBe(`# earlier step\n${readFileSync(path.join(root, result.summary_markdown_file), "utf8")}\n`);
    expect(run.stdout).not.toContain("logger.info(");
  });

  it("(b) the first fix fails verification; the retry request carries the error; the second attempt succeeds", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      script: [answerRetry(SERVICE, goodFix(root, SERVICE)), answer(SERVICE, contextLosingFix(root, SERVICE))],
    });
    const run = await gembatch(root, ["scan-and-fix", SERVICE, "--rules", "logger-bind", "--json"], { emu });
    expect(run.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(run.stdout).files).toEqual([
      {
        path: SERVICE,
        rules: ["logger-bind"],
        status: "fixed",
        attempts: 2,
        patch_files: [expect.stringMatching(/\/patches\/1_service\.attempt2\.patch$/) as unknown],
      },
    ]);
    const [first, retry] = emu.record.generate;
    expect(first!.prompt).not.toContain("Previous attempt failed");
    expect(retry!.prompt).toContain(
      "Previous attempt failed: attempt 1 of 2 at fixing `orders/service.py` was rolled back.",
    );
    expect(retry!.prompt).toContain("FAIL: test_log_records_carry_the_order_id");
    expect(retry!.prompt).toContain("AssertionError: None != ");
    expect(retry!.prompt).toContain(
      '+        logger.info("placing order for {} item(s), total {:.2f}", len(items), order.total)',
    );
    expect(read(root, SERVICE)).toBe(goodFix(exampleProject(), SERVICE));
  });

  it("(c) both attempts fail: exit 1, the original byte-identical, the failure report holds both errors", async () => {
    const root = exampleProject();
    const original = readFileSync(path.join(root, SERVICE));
    const emu = await useEmulator({
      script: [answerRetry(SERVICE, errorPathFix(root, SERVICE)), answer(SERVICE, contextLosingFix(root, SERVICE))],
    });
    const run = await gembatch(root, ["scan-and-fix", SERVICE, "--rules", "logger-bind", "--json"], { emu });
    expect(run.exitCode).toBe(1);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ success: false, files_fixed: 0, files_failed: 1 });
    expect(readFileSync(path.join(root, SERVICE)).equals(original)).toBe(true);
    expect(result.failure_reports).toHaveLength(1);
    const report = readFileSync(path.join(root, result.failure_reports[0]!), "utf8");
    expect(report).toMatch(/\*\*Attempt 1 Error\*\*: verify failed: .*FAIL: test_log_records_carry_the_order_id/);
    expect(report).toMatch(
      /\*\*Attempt 2 Error\*\*: verify failed: .*ERROR: test_declined_payment_is_stored_without_receipt/,
    );
    expect(report).toContain("AttributeError: 'Order' object has no attribute 'ident'");
    expect(readFileSync(path.join(root, result.summary_markdown_file), "utf8")).toContain(
      "| `orders/service.py` | logger-bind | ❌ failed | 2 |",
    );
    // The evidence, shorter each time: the report's details, the summary's line for the file.
    const details = report.slice(
      report.indexOf("**Error Details from Attempt 2**"),
      report.indexOf("**Gemini's Last Attempt**"),
    );
    expect(details).toMatch(
      /- test_declined_payment_is_stored_without_receipt \(.*\)\n {4}AttributeError: 'Order' object has no attribute 'ident'\n {4}at orders\/service\.py:\d+ \(the file being fixed\)/,
    );
    expect(details).toMatch(/\(the full output: `.*verify\/1_service\.attempt2\.after\.1\.log`\)/);
    const sent = readFileSync(
      path.join(root, result.failure_reports[0]!.replace(/FAILURE_REPORT\.md$/, "verify/1_service.attempt2.error.txt")),
      "utf8",
    );
    expect(sent.match(/^ {4}at /gm)!.length).toBeGreaterThan(2);
    expect(details.match(/^ {4}at /gm)).toHaveLength(2);
    expect(result.files[0]!.evidence).toMatch(
      /^test_declined_payment_is_stored_without_receipt \(tests\.test_service\.[^:]*: AttributeError: 'Order' object has no attribute 'ident' \(orders\/service\.py:\d+\)$/,
    );
    expect(readFileSync(path.join(root, result.summary_markdown_file), "utf8")).toMatch(
      /### Why files were not fixed\n\n- `orders\/service\.py`: test&#95;declined&#95;payment/,
    );
  });

  it("(d) a truncated reply is never applied: no patch, no verify run for it; the retry says so and its complete reply is applied", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      script: [answerRetry(SERVICE, goodFix(root, SERVICE)), truncatedAnswer(SERVICE, goodFix(root, SERVICE))],
    });
    const run = await gembatch(root, ["scan-and-fix", SERVICE, "--rules", "logger-bind", "--json"], { emu });
    expect(run.exitCode).toBe(0);
    const runDir = path.join(root, parse<ScanAndFixResult>(run.stdout).runs[0]!.run_dir!);
    expect(existsSync(path.join(runDir, "patches", "1_service.attempt1.patch"))).toBe(false);
    expect(existsSync(path.join(runDir, "verify", "1_service.attempt1.after.1.log"))).toBe(false);
    expect(existsSync(path.join(runDir, "patches", "1_service.attempt2.patch"))).toBe(true);
    expect(emu.record.generate[1]!.prompt).toMatch(
      /the reply could not be used \(truncated\): the reply stopped early \(finish reason MAX_TOKENS\)/,
    );
    expect(read(root, SERVICE)).not.toContain("logger.bind");
  });

  it("(e) a file the user edits while its request is out is refused and keeps the edit", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS), { delayMs: 1500 })] });
    const child = gembatch(root, ["scan-and-fix", PAYMENTS, "--rules", "logger-bind", "--json"], { emu });
    for (let i = 0; i < 2000 && !emu.record.counts.generateContent; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(emu.record.counts.generateContent).toBe(1); // the request is out, its reply not yet back
    const edited = `${read(root, PAYMENTS)}# edited by hand while the request was out\n`;
    write(root, PAYMENTS, edited);
    const run = await child;
    expect(run.exitCode).toBe(1);
    expect(parse<ScanAndFixResult>(run.stdout).files).toEqual([
      { path: PAYMENTS, rules: ["logger-bind"], status: "refused", attempts: 1, patch_files: [] },
    ]);
    expect(read(root, PAYMENTS)).toBe(edited);
    expect(emu.record.counts.generateContent).toBe(1);
  });

  it("(f) SIGINT during verify: the check killed, the original restored, exit 130; --resume finishes without asking again", async () => {
    const root = exampleProject();
    slowVerify(root);
    const original = readFileSync(path.join(root, PAYMENTS));
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const child = gembatch(
      root,
      ["scan-and-fix", PAYMENTS, "--rules", "logger-bind", "--verify", SLOW_VERIFY, "--json"],
      { emu },
    );
    await waitFor(() => existsSync(path.join(root, "VERIFY_STARTED")), "the verify command", 30_000);
    expect(read(root, PAYMENTS)).not.toContain("logger.bind");
    child.kill("SIGINT");
    const run = await child;
    expect(run.exitCode).toBe(130);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ stopped: "interrupted", success: false });
    expect(readFileSync(path.join(root, PAYMENTS)).equals(original)).toBe(true);
    const pid = Number(read(root, "VERIFY_STARTED"));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(JSON.parse(read(root, result.state_file!))).toMatchObject({ finished: false, stopped: "interrupted" });

    rmSync(path.join(root, "SLOW"));
    const resumed = await gembatch(root, ["scan-and-fix", "--resume", "--verify", SLOW_VERIFY, "--json"], { emu });
    expect(resumed.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(resumed.stdout)).toMatchObject({
      success: true,
      files_fixed: 1,
      output_dir: result.output_dir,
    });
    expect(read(root, PAYMENTS)).not.toContain("logger.bind");
    expect(emu.record.counts.generateContent).toBe(1);
  });

  it("(g) --dry-run writes the reports, the requests and an estimate, and the emulator records no call", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [] });
    const before = LOGGER_BIND_FILES.map((f) => statSync(path.join(root, f)).mtimeMs);
    const run = await gembatch(root, ["scan-and-fix", "--dry-run", "--rules", "logger-bind", "--json"], { emu });
    expect(run.exitCode).toBe(0);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ dry_run: true, success: true, files_attempted: 3 });
    expect(result.estimated_cost).toBeGreaterThan(0);
    expect(result.requests).toHaveLength(3);
    for (const request of result.requests!)
      expect(readFileSync(path.join(root, request), "utf8")).toContain("FILE TO FIX: ");
    expect(readFileSync(path.join(root, result.reports[0]!.report_file!), "utf8")).toMatch(
      /^# Issue Report: logger_bind\n/,
    );
    expect(emu.record.counts).toEqual({});
    expect(emu.record.generate).toEqual([]);
    expect(LOGGER_BIND_FILES.map((f) => statSync(path.join(root, f)).mtimeMs)).toEqual(before);
  });

  it("(h) --max-cost stops before the request that would cross it (exit 4), applies what was paid for; --resume with a higher cap finishes", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))) });
    const dry = parse<ScanAndFixResult>(
      (
        await gembatch(
          root,
          ["scan-and-fix", "--dry-run", "--rules", "logger-bind", "--output-dir", "tmp/estimate", "--json"],
          { emu },
        )
      ).stdout,
    );
    const estimate = JSON.parse(
      readFileSync(path.join(root, dry.runs[0]!.run_dir!, "DRY_RUN_ESTIMATE.json"), "utf8"),
    ) as { planned: Array<{ file_to_fix: string; estimated_cost: number }> };
    const first = estimate.planned[0]!;
    // Room for the first request's worst case; after its real cost, no room for the second one's.
    const cap = String(first.estimated_cost);
    const run = await gembatch(
      root,
      ["scan-and-fix", "--rules", "logger-bind", "--max-cost", cap, "--concurrency", "1", "--json"],
      { emu },
    );
    expect(run.exitCode).toBe(4);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ stopped: "budget", success: false, files_fixed: 1 });
    expect(result.total_cost).toBeGreaterThan(0);
    expect(result.total_cost).toBeLessThanOrEqual(first.estimated_cost);
    expect(emu.record.counts.generateContent).toBe(1);
    expect(read(root, first.file_to_fix)).not.toContain("logger.bind");
    for (const f of LOGGER_BIND_FILES.filter((f) => f !== first.file_to_fix))
      expect(read(root, f)).toContain("logger.bind");
    expect(readFileSync(path.join(root, result.summary_markdown_file), "utf8")).toContain("Stopped at the budget cap");

    const resumed = await gembatch(
      root,
      ["scan-and-fix", "--resume", "--output-dir", result.output_dir, "--max-cost", "1", "--json"],
      { emu },
    );
    expect(resumed.exitCode).toBe(0);
    expect(parse<ScanAndFixResult>(resumed.stdout)).toMatchObject({ success: true, files_fixed: 3 });
    expect(emu.record.counts.generateContent).toBe(3);
    for (const f of LOGGER_BIND_FILES) expect(read(root, f)).not.toContain("logger.bind");
  });

  it("(i) --shard 1/2 and --shard 2/2 together cover every file exactly once", async () => {
    const root = exampleProject();
    const all = parse<ScanAndFixResult>(
      (await gembatch(root, ["scan-and-fix", "--dry-run", "--json"], { emu: null })).stdout,
    );
    const shards: ScanAndFixResult[] = [];
    for (const shard of ["1/2", "2/2"]) {
      const run = await gembatch(root, ["scan-and-fix", "--dry-run", "--shard", shard, "--json"], { emu: null });
      expect(run.exitCode).toBe(0);
      shards.push(parse<ScanAndFixResult>(run.stdout));
    }
    const files = (r?: { files: Array<{ path: string }> }) => r?.files.map((f) => f.path) ?? [];
    expect(all.files_attempted).toBeGreaterThan(3);
    expect(shards.map((s) => s.shard)).toEqual(["1/2", "2/2"]);
    expect([...files(shards[0]), ...files(shards[1])].sort()).toEqual(files(all));
    expect(files(shards[0]).filter((f: string) => files(shards[1]).includes(f))).toEqual([]);
    expect(shards.every((s) => s.files_attempted > 0 && s.files_found === all.files_found)).toBe(true);
    const bad = await gembatch(root, ["scan-and-fix", "--dry-run", "--shard", "3/2", "--json"], { emu: null });
    expect(bad.exitCode).toBe(2);
    expect(parse<ErrorDoc>(bad.stdout).error.message).toBe('shard: expected i/n with 1 ≤ i ≤ n, got "3/2"');
  });
});
