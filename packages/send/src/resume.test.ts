import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { runSend } from "./run-send.js";
import { sendExitCode } from "./summary.js";
import { fixedReply, makeProject, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { SendResult } from "./types.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n", "src/c.py": "c = 1\n" };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));

describe("interrupt and resume", () => {
  it("on Ctrl-C writes the summary of what finished and exits 130; --resume sends only the rest", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    const controller = new AbortController();
    const interrupted = await runSend(project.options({ concurrency: 1 }), {
      client,
      clock: createManualClock(),
      signal: controller.signal,
      // The first finished file is when the user presses Ctrl-C.
      progress: () => ({
        tick: () => controller.abort(new DOMException("SIGINT received", "AbortError")),
        update: () => {},
        stop: () => {},
      }),
    });
    expect(sendExitCode(interrupted)).toBe(130);
    expect(interrupted.stopped).toBe("interrupted");
    expect(interrupted.results.map((r) => r.file_to_fix)).toEqual(["src/a.py"]);
    expect(interrupted.not_sent).toEqual([
      { file_to_fix: "src/b.py", reason: "interrupted" },
      { file_to_fix: "src/c.py", reason: "interrupted" },
    ]);
    const summaryFile = path.join(project.root, interrupted.output_dir, "BATCH_SUMMARY.json");
    expect(readJson<SendResult>(summaryFile).files_processed).toBe(1);
    expect(emu.record.counts.generateContent).toBe(1);

    const resumed = await runSend(project.options({ resume: true, outputDir: interrupted.output_dir }), {
      client,
      clock: createManualClock(),
    });
    expect(sendExitCode(resumed)).toBe(0);
    expect(resumed.output_dir).toBe(interrupted.output_dir);
    expect(resumed.results.map((r) => [r.file_to_fix, r.n, r.resumed])).toEqual([
      ["src/a.py", 1, true],
      ["src/b.py", 2, false],
      ["src/c.py", 3, false],
    ]);
    expect(resumed.files_resumed).toBe(1);
    expect(emu.record.counts.generateContent).toBe(3);
    expect(readJson<SendResult>(summaryFile).files_succeeded).toBe(3);
  });

  it("aborts a request in flight on Ctrl-C and leaves that file for --resume", async () => {
    const project = makeProject({ "src/a.py": "a = 1\n" });
    const { emu, client } = await useEmulator({
      script: [replyFor("src/a.py", { text: fixedReply("src/a.py", "a = 2\n"), delayMs: 10_000 })],
    });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new DOMException("SIGINT received", "AbortError")), 150);
    const result = await runSend(project.options(), { client, clock: createManualClock(), signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({
      stopped: "interrupted",
      files_processed: 0,
      not_sent: [{ file_to_fix: "src/a.py", reason: "interrupted" }],
    });
    expect(emu.record.counts.generateContent).toBe(1);
    expect(existsSync(path.join(project.root, result.output_dir, "request_1_a.md"))).toBe(true);
    expect(existsSync(path.join(project.root, result.output_dir, "response_1_a.meta.json"))).toBe(false);
  });

  it("sends a file again on --resume when it changed since it was answered, and re-sends failed files", async () => {
    const project = makeProject({ "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" });
    const { emu, client } = await useEmulator({
      script: [
        replyFor("src/a.py", { text: fixedReply("src/a.py", "a = 2\n") }),
        replyFor("src/b.py", { text: "no markers", finishReason: "STOP" }, { times: 1 }),
        replyFor("src/b.py", { text: fixedReply("src/b.py", "b = 2\n") }),
      ],
    });
    const first = await runSend(project.options(), { client, clock: createManualClock() });
    expect(first.results.map((r) => r.success)).toEqual([true, false]);
    writeFileSync(path.join(project.root, "src/a.py"), "a = 10\n");
    const warnings: string[] = [];
    const second = await runSend(project.options({ resume: true, outputDir: first.output_dir }), {
      client,
      clock: createManualClock(),
      warn: (m) => warnings.push(m),
    });
    expect(second.results.map((r) => [r.file_to_fix, r.success, r.resumed])).toEqual([
      ["src/a.py", true, false],
      ["src/b.py", true, false],
    ]);
    expect(warnings).toContain("src/a.py changed since it was answered; sending it again");
    expect(warnings.some((w) => w.startsWith("the issue report changed"))).toBe(false);
    expect(emu.record.counts.generateContent).toBe(4);
  });

  it("refuses an output_dir that already holds a run unless --resume is given, and --resume without output_dir", async () => {
    const project = makeProject({ "src/a.py": "a = 1\n" });
    const { client } = await useEmulator({
      script: [replyFor("src/a.py", { text: fixedReply("src/a.py", "a = 2\n") })],
    });
    const first = await runSend(project.options({ outputDir: "tmp/attempt_1" }), {
      client,
      clock: createManualClock(),
    });
    expect(first.output_dir).toBe("tmp/attempt_1");
    await expect(
      runSend(project.options({ outputDir: "tmp/attempt_1" }), { client, clock: createManualClock() }),
    ).rejects.toMatchObject({
      code: "BAD_INPUT",
      exitCode: 2,
      message: "output_dir: tmp/attempt_1 already holds a send run",
    });
    await expect(
      runSend(project.options({ resume: true }), { client, clock: createManualClock() }),
    ).rejects.toMatchObject({ code: "BAD_INPUT", message: "resume: needs output_dir, the run directory to resume" });
  });
});
