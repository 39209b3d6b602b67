import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { git } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import {
  answer,
  answerRetry,
  contextLosingFix,
  ESCALATION_MODEL,
  errorPathFix,
  exampleProject,
  goodFix,
  MODEL,
  read,
  truncatedAnswer,
  write,
} from "../test/helpers/example.js";
import { applyOptions, emulatorDeps, useEmulator } from "../test/helpers/harness.js";
import { sendAndExtract } from "../test/helpers/run.js";
import { runApply } from "./run-apply.js";

const SERVICE = "orders/service.py";
const PAYMENTS = "orders/payments.py";

describe("runApply", () => {
  it("--diff-only writes and reports each patch and changes nothing in the project", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const { extractedDir } = await sendAndExtract(root, emu, [PAYMENTS]);
    const before = read(root, PAYMENTS);
    const result = await runApply(applyOptions(root, { extractedDir, diffOnly: true }), emulatorDeps(emu));
    expect(result).toMatchObject({ success: true, diff_only: true, files_fixed: 0 });
    expect(result.files[0]).toMatchObject({
      path: PAYMENTS,
      status: "diff_only",
      finding_gone: true,
      backup_file: null,
    });
    expect(read(root, PAYMENTS)).toBe(before);
    const patch = readFileSync(path.join(root, result.files[0]!.patch_file!), "utf8");
    expect(patch).toContain(`--- a/${PAYMENTS}\n+++ b/${PAYMENTS}\n`);
    expect(patch).toContain(
      '+            logger.warning("charge declined: {}", response.get("error", "unknown"), token=token[-4:])',
    );
    expect(JSON.stringify(result)).not.toContain("charge declined");
  });

  it("both attempts fail: the original is byte-identical and the failure report holds both errors; --escalate saves the analysis", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      script: [
        answerRetry(SERVICE, errorPathFix(root, SERVICE)),
        answer(SERVICE, contextLosingFix(root, SERVICE)),
        {
          match: { model: ESCALATION_MODEL },
          reply: {
            text: "## orders/service.py\n\nThe order id is lost in the first attempt and misspelt in the second.",
          },
        },
      ],
    });
    const { runDir } = await sendAndExtract(root, emu, [SERVICE]);
    const original = readFileSync(path.join(root, SERVICE));
    const result = await runApply(applyOptions(root, { runDir, escalate: true }), emulatorDeps(emu));
    expect(readFileSync(path.join(root, SERVICE)).equals(original)).toBe(true);
    expect(result).toMatchObject({
      success: false,
      files_failed: 1,
      failure_report: `${runDir}/FAILURE_REPORT.md`,
      escalation_file: `${runDir}/FAILURE_ANALYSIS.md`,
    });
    expect(result.files[0]!.errors).toHaveLength(2);
    expect(result.files[0]!.errors[0]).toContain("FAIL: test_log_records_carry_the_order_id");
    expect(result.files[0]!.errors[1]).toContain("ERROR: test_declined_payment_is_stored_without_receipt");
    const report = readFileSync(path.join(root, result.failure_report!), "utf8");
    for (const section of [
      "## Summary",
      "**Original Issue**",
      "**Attempt 1 Error**",
      "**Attempt 2 Error**",
      "**Error Details from Attempt 2**",
      "**Gemini's Last Attempt**",
      "**Context That May Be Missing**",
      "## Recommended Approach",
    ]) {
      expect(report).toContain(section);
    }
    expect(report).toContain("FAIL: test_log_records_carry_the_order_id");
    expect(report).toContain("AttributeError: 'Order' object has no attribute 'ident'");
    expect(report).toContain('logger.error("payment failed", order_id=order.ident)');
    expect(readFileSync(path.join(root, result.escalation_file!), "utf8")).toContain("misspelt in the second");
    const escalation = emu.record.generate.find((g) => g.model === ESCALATION_MODEL)!;
    expect(escalation.prompt).toContain("# Failure Report: Persistent Issues After 2 Attempts");
  });

  it("a truncated reply is never written into the project, on either attempt", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [truncatedAnswer(SERVICE, goodFix(root, SERVICE))] });
    const { runDir } = await sendAndExtract(root, emu, [SERVICE]);
    const before = statSync(path.join(root, SERVICE));
    const result = await runApply(applyOptions(root, { runDir }), emulatorDeps(emu));
    const after = statSync(path.join(root, SERVICE));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(result.files[0]).toMatchObject({ status: "failed", attempts: 2, backup_file: null, patch_file: null });
    expect(result.files[0]!.errors.every((e) => e.startsWith("the reply could not be used (truncated)"))).toBe(true);
    expect(emu.record.generate[1]!.prompt).toContain("Previous attempt failed");
    expect(existsSync(path.join(root, runDir, "backups"))).toBe(false);

    // Step 7 afterwards: resuming the finished run with --escalate sends only the failure report.
    emu.setScript([{ match: { model: ESCALATION_MODEL }, reply: { text: "Raise max_tokens." } }]);
    const escalated = await runApply(applyOptions(root, { runDir, resume: true, escalate: true }), emulatorDeps(emu));
    expect(escalated.escalation_file).toBe(`${runDir}/FAILURE_ANALYSIS.md`);
    expect(emu.record.generate.map((g) => g.model)).toEqual([MODEL, MODEL, ESCALATION_MODEL]);
    expect(escalated.files[0]).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("refuses a file the user edited after its request was built, and keeps the edit", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const { extractedDir } = await sendAndExtract(root, emu, [PAYMENTS]);
    const edited = `${read(root, PAYMENTS)}\n# my own change\n`;
    write(root, PAYMENTS, edited);
    const result = await runApply(applyOptions(root, { extractedDir }), emulatorDeps(emu));
    expect(result.files[0]).toMatchObject({ status: "refused", attempts: 1 });
    expect(result.files[0]!.error).toMatch(/^orders\/payments\.py changed since its request was built/);
    expect(read(root, PAYMENTS)).toBe(edited);
    expect(emu.record.counts.generateContent).toBe(1);
  });

  it("--commit makes one commit per fixed file naming the rule", async () => {
    const root = exampleProject({ git: true });
    git(root, "config", "user.name", "t");
    git(root, "config", "user.email", "t@example.com");
    const files = [PAYMENTS, SERVICE];
    const emu = await useEmulator({ script: files.map((f) => answer(f, goodFix(root, f))) });
    const { runDir } = await sendAndExtract(root, emu, files);
    const result = await runApply(
      applyOptions(root, { runDir, commit: true, branch: "gembatch/logger-bind" }),
      emulatorDeps(emu),
    );
    expect(result).toMatchObject({ success: true, files_fixed: 2, branch: "gembatch/logger-bind" });
    expect(result.commits!.map((c) => c.file)).toEqual(files);
    const log = git(root, "log", "--format=%s", "-3").trim().split("\n");
    expect(log).toEqual([`fix(logger-bind): ${SERVICE}`, `fix(logger-bind): ${PAYMENTS}`, "the example"]);
    expect(git(root, "status", "--porcelain", "--untracked-files=no").trim()).toBe("");
  });

  it("re-scans before writing: an unchanged reply, and a gembatch-ignore that hides the finding, are failed attempts", async () => {
    const root = exampleProject();
    const original = read(root, PAYMENTS);
    const hidden = original.replace(
      '.warning("charge declined: {}", response.get("error", "unknown"))',
      '.warning("charge declined: {}", response.get("error", "unknown"))  # gembatch-ignore',
    );
    const emu = await useEmulator({ script: [answerRetry(PAYMENTS, hidden), answer(PAYMENTS, original)] });
    const { runDir } = await sendAndExtract(root, emu, [PAYMENTS]);
    const result = await runApply(applyOptions(root, { runDir }), emulatorDeps(emu));
    expect(result.files[0]).toMatchObject({ status: "failed", finding_gone: false });
    expect(result.files[0]!.errors).toEqual([
      "the reply left the file unchanged, and the finding is still there",
      "a gembatch-ignore comment hides the finding instead of fixing it",
    ]);
    expect(read(root, PAYMENTS)).toBe(original);
    // Neither candidate was ever written: no backup was needed, and verify never ran after a change.
    expect(existsSync(path.join(root, runDir, "backups"))).toBe(false);
  });
  describe("the verify baseline: a check that failed before the change is not the change's failure", () => {
    const LEGACY =
      "import unittest\n\n\nclass LegacyTest(unittest.TestCase):\n    def test_rounding_was_always_broken(self):\n        self.assertEqual(round(2.675, 2), 2.68)\n";

    it("a check failing the same way before and after a good fix: the fix is kept, no retry", async () => {
      const root = exampleProject();
      write(root, "tests/test_legacy.py", LEGACY);
      const fixed = goodFix(root, PAYMENTS);
      const emu = await useEmulator({ script: [answer(PAYMENTS, fixed)] });
      const { runDir } = await sendAndExtract(root, emu, [PAYMENTS]);
      const result = await runApply(applyOptions(root, { runDir }), emulatorDeps(emu));
      expect(result.files[0]).toMatchObject({ status: "fixed", attempts: 1, verify: { new_failures: [] } });
      expect(result.files[0]!.verify.before[0]!.passed).toBe(false);
      expect(result.files[0]!.verify.after[0]!.passed).toBe(false);
      expect(read(root, PAYMENTS)).toBe(fixed);
      expect(emu.record.counts.generateContent).toBe(1);
    });

    it("a fix that breaks another test: only that one counts, and the retry names the one that was already failing", async () => {
      const root = exampleProject();
      write(root, "tests/test_legacy.py", LEGACY);
      const emu = await useEmulator({
        script: [answerRetry(SERVICE, goodFix(root, SERVICE)), answer(SERVICE, contextLosingFix(root, SERVICE))],
      });
      const { runDir } = await sendAndExtract(root, emu, [SERVICE]);
      const result = await runApply(applyOptions(root, { runDir }), emulatorDeps(emu));
      expect(result.files[0]).toMatchObject({ status: "fixed", attempts: 2 });
      const retry = emu.record.generate[1]!.prompt;
      expect(retry).toContain("- test_log_records_carry_the_order_id (");
      expect(retry).toMatch(
        /Already failing before the change, not counted against it \(1\): test_rounding_was_always_broken \(/,
      );
      expect(retry).not.toMatch(/^- test_rounding_was_always_broken/m);
    });
  });
});
