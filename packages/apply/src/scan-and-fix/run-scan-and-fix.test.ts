import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ALL_FIXED,
  answer,
  answerRetry,
  contextLosingFix,
  exampleProject,
  goodFix,
  LOGGER_BIND_FILES,
  read,
  replyWith,
} from "../../test/helpers/example.js";
import { emulatorDeps, fixOptions, useEmulator } from "../../test/helpers/harness.js";
import { runScanAndFix } from "./run-scan-and-fix.js";

describe("runScanAndFix against the emulator", () => {
  it("fixes every logger.bind file on the first try and leaves the tests passing", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))) });
    const deps = emulatorDeps(emu);
    const result = await runScanAndFix(fixOptions(root), deps);
    expect(deps.warnings).toEqual([]);
    expect(result).toMatchObject(ALL_FIXED);
    for (const f of LOGGER_BIND_FILES) expect(read(root, f)).not.toContain("logger.bind");
    expect(emu.record.counts.generateContent).toBe(3);
    expect(readFileSync(path.join(root, result.summary_markdown_file), "utf8")).toContain("✅ fixed");
  });

  it("retries with the error when the first fix breaks a test", async () => {
    const root = exampleProject();
    const file = "orders/service.py";
    const emu = await useEmulator({
      script: [answerRetry(file, goodFix(root, file)), answer(file, contextLosingFix(root, file))],
    });
    const result = await runScanAndFix(fixOptions(root, { paths: [file] }), emulatorDeps(emu));
    expect(result).toMatchObject({ success: true, files_fixed: 1 });
    expect(result.files[0]).toMatchObject({ path: file, status: "fixed", attempts: 2 });
    expect(emu.record.generate[1]!.prompt).toContain("test_log_records_carry_the_order_id");
  });

  it("runs rules one after another: a file two rules flag is sent the second time as the first fix left it", async () => {
    const root = exampleProject();
    const file = "orders/notifications.py";
    const afterLogger = goodFix(root, file);
    const afterBoth = afterLogger.replace('        print("sending receipt", order.id, body)\n', "");
    const emu = await useEmulator({
      script: [
        { match: { text: "Rule `debug-print`" }, reply: { text: replyWith(file, afterBoth) } },
        { match: { text: "Rule `logger-bind`" }, reply: { text: replyWith(file, afterLogger) } },
      ],
    });
    const result = await runScanAndFix(
      fixOptions(root, { paths: [file], rules: ["logger-bind", "debug-print"] }),
      emulatorDeps(emu),
    );
    expect(result).toMatchObject({ success: true, findings: 2, files_attempted: 1, files_fixed: 1 });
    expect(result.files).toEqual([
      {
        path: file,
        rules: ["logger-bind", "debug-print"],
        status: "fixed",
        attempts: 2,
        patch_files: expect.any(Array) as unknown,
      },
    ]);
    expect(result.reports.map((r) => r.rule)).toEqual(["logger-bind", "debug-print"]);
    // The second request carried the file as the first fix left it (no logger.bind any more).
    const second = emu.record.generate[1]!.prompt;
    expect(second).toContain("FILE TO FIX: orders/notifications.py");
    expect(second.slice(second.indexOf("FILE TO FIX:"))).not.toContain("logger.bind(");
    expect(read(root, file)).toBe(afterBoth);
  });

  it("--max-files caps the files worked on (after sharding); a dry run sends nothing", async () => {
    const root = exampleProject();
    const emu = await useEmulator();
    const { rules: _named, ...noRulesNamed } = fixOptions(root, { maxFiles: 2, dryRun: true });
    const result = await runScanAndFix(noRulesNamed, emulatorDeps(emu));
    expect(result.files_found).toBeGreaterThan(2);
    expect(result).toMatchObject({ dry_run: true, files_attempted: 2, state_file: null });
    expect(result.files.map((f) => f.path)).toEqual(result.files.map((f) => f.path).sort());
    expect(result.files.every((f) => f.status === "planned")).toBe(true);
    expect(emu.record.counts).toEqual({});
  });
});
