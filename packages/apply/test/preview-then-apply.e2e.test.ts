import { describe, expect, it } from "vitest";
import { answer, exampleProject, goodFix, read } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ApplyResult } from "../src/index.js";
import type { ScanResult } from "@gembatch/scan";
import type { SendResult } from "@gembatch/send";

const PAYMENTS = "orders/payments.py";

async function sentRun(root: string, emu: Awaited<ReturnType<typeof useEmulator>>): Promise<{ output_dir: string }> {
  const scan = parse<ScanResult>(
    (await gembatch(root, ["scan", PAYMENTS, "--rules", "logger-bind", "--report", "--json"], { emu })).stdout,
  );
  return parse<SendResult>(
    (await gembatch(root, ["send", "--issue-report-file", scan.reports![0]!.report_file!, "--json"], { emu })).stdout,
  );
}

describe("apply: preview with diff_only, then apply (the flow .claude/commands/gemini-fix.md teaches)", () => {
  it("the real apply after a diff-only preview applies and verifies, without --resume", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const sent = await sentRun(root, emu);
    const preview = await gembatch(root, ["apply", JSON.stringify({ run_dir: sent.output_dir, diff_only: true })], {
      emu,
    });
    expect(preview.exitCode, preview.stdout).toBe(0);
    expect(parse<ApplyResult>(preview.stdout)).toMatchObject({ diff_only: true, files_fixed: 0 });

    const run = await gembatch(
      root,
      ["apply", JSON.stringify({ run_dir: sent.output_dir, verify: "python3 -m py_compile {file}" })],
      { emu },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(parse<ApplyResult>(run.stdout)).toMatchObject({
      success: true,
      diff_only: false,
      files_fixed: 1,
      files: [{ path: PAYMENTS, status: "fixed" }],
    });
    expect(read(root, PAYMENTS)).toBe(goodFix(exampleProject(), PAYMENTS));
  });

  it("with resume: true, diff_only: false after a preview, the files are applied, not reported as diff_only again", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const sent = await sentRun(root, emu);
    expect(
      (await gembatch(root, ["apply", JSON.stringify({ run_dir: sent.output_dir, diff_only: true })], { emu }))
        .exitCode,
    ).toBe(0);
    const run = await gembatch(
      root,
      ["apply", JSON.stringify({ run_dir: sent.output_dir, resume: true, diff_only: false })],
      { emu },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(parse<ApplyResult>(run.stdout)).toMatchObject({ diff_only: false, files_fixed: 1 });
    expect(read(root, PAYMENTS)).toBe(goodFix(exampleProject(), PAYMENTS));
  });
});
