import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { answer, exampleProject, goodFix, read } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ErrorDoc } from "./bin.js";
import type { ApplyResult, ScanAndFixResult } from "../src/index.js";
import type { ExtractResult } from "@gembatch/extract";
import type { ScanResult } from "@gembatch/scan";
import type { SendResult } from "@gembatch/send";

const PAYMENTS = "orders/payments.py";
const NOTIFICATIONS = "orders/notifications.py";

describe("gembatch apply (built bin, emulator)", () => {
  it("the seed's steps with JSON arguments: scan --report, send, extract, then apply with a {file} verify; one JSON result of paths and figures", async () => {
    const root = exampleProject();
    const files = [NOTIFICATIONS, PAYMENTS];
    const emu = await useEmulator({ script: files.map((f) => answer(f, goodFix(root, f))) });
    const scan = parse<ScanResult>(
      (await gembatch(root, ["scan", JSON.stringify({ paths: files, rules: ["logger-bind"], report: true })], { emu }))
        .stdout,
    );
    const report = scan.reports![0]!.report_file!;
    const sent = parse<SendResult>(
      (
        await gembatch(
          root,
          ["send", JSON.stringify({ issue_report_file: report, files_to_fix: files, max_tokens: 7500 })],
          { emu },
        )
      ).stdout,
    );
    const extracted = parse<ExtractResult>(
      (await gembatch(root, ["extract", JSON.stringify({ markdown_file: sent.output_dir })], { emu })).stdout,
    );
    expect(extracted.success).toBe(true);

    const run = await gembatch(
      root,
      ["apply", JSON.stringify({ extracted_dir: extracted.output_dir, files, verify: "python3 -m py_compile {file}" })],
      { emu },
    );
    expect(run.exitCode).toBe(0);
    const result = parse<ApplyResult>(run.stdout);
    expect(Object.keys(result).sort()).toEqual([
      "diff_only",
      "extracted_dir",
      "failure_report",
      "files",
      "files_failed",
      "files_fixed",
      "run_dir",
      "state_file",
      "success",
      "summary_file",
      "total_cost",
    ]);
    expect(result).toMatchObject({
      success: true,
      run_dir: sent.output_dir,
      extracted_dir: extracted.output_dir,
      files_fixed: 2,
      files_failed: 0,
      failure_report: null,
      total_cost: 0,
    });
    for (const [i, file] of files.entries()) {
      expect(result.files[i]).toMatchObject({
        path: file,
        status: "fixed",
        attempts: 1,
        rules: ["logger-bind"],
        finding_gone: true,
        error: null,
        patch_file: `${sent.output_dir}/patches/${i + 1}_${path.basename(file, ".py")}.attempt1.patch`,
        backup_file: `${sent.output_dir}/backups/${file}`,
        verify: {
          before: [{ command: `python3 -m py_compile ${file}`, exit_code: 0, passed: true }],
          after: [{ exit_code: 0, passed: true }],
          new_failures: [],
        },
      });
      expect(read(root, file)).toBe(goodFix(exampleProject(), file));
      expect(readFileSync(path.join(root, result.files[i]!.backup_file!), "utf8")).toContain("logger.bind(");
    }
    expect(run.stdout).not.toContain("logger.info(");
    expect(run.stderr).not.toContain("apply-test-key");
  });

  it("--diff-only shows each diff, saves it as a .patch, and changes nothing", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const scan = parse<ScanResult>(
      (await gembatch(root, ["scan", PAYMENTS, "--rules", "logger-bind", "--report", "--json"], { emu })).stdout,
    );
    const sent = parse<SendResult>(
      (await gembatch(root, ["send", "--issue-report-file", scan.reports![0]!.report_file!, "--json"], { emu })).stdout,
    );
    const before = read(root, PAYMENTS);
    const run = await gembatch(root, ["apply", "--run-dir", sent.output_dir, "--diff-only"], { emu });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`~ ${PAYMENTS}: diff_only`);
    expect(run.stdout).toContain(
      `-            logger.bind(token=token[-4:]).warning("charge declined: {}", response.get("error", "unknown"))`,
    );
    expect(run.stdout).toContain(
      `+            logger.warning("charge declined: {}", response.get("error", "unknown"), token=token[-4:])`,
    );
    expect(readFileSync(path.join(root, sent.output_dir, "patches", "1_payments.attempt1.patch"), "utf8")).toContain(
      "+++ b/orders/payments.py",
    );
    expect(read(root, PAYMENTS)).toBe(before);
  });

  it("bad input is one clear line and exit 2", async () => {
    const root = exampleProject();
    const missing = await gembatch(root, ["apply", "{}"], { emu: null });
    expect(missing.exitCode).toBe(2);
    expect(parse<ErrorDoc>(missing.stdout).error.message).toBe(
      "extracted_dir: required: the output of gembatch extract (or run_dir, a send run)",
    );
    const wrong = await gembatch(root, ["apply", "--extracted-dir", "tmp/nothing-here"], { emu: null });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("extracted_dir: no EXTRACTION_CONTEXT.json in tmp/nothing-here");
  });

  it("scan-and-fix: an API key the API refuses stops the run with exit 3", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ apiKey: "another-key" });
    const run = await gembatch(root, ["scan-and-fix", PAYMENTS, "--rules", "logger-bind", "--json"], { emu });
    expect(run.exitCode).toBe(3);
    expect(parse<ScanAndFixResult>(run.stdout)).toMatchObject({ stopped: "api_error", success: false, files_fixed: 0 });
    expect(read(root, PAYMENTS)).toContain("logger.bind");
  });
});
