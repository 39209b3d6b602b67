import { writeFileSync } from "node:fs";
import path from "node:path";
import { createManualClock, roundUsd } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { runSend } from "./run-send.js";
import { fixedReply, makeProject, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { SendResult } from "./types.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n", "src/c.py": "c = 1\n" };
// Distinct prompt sizes give each file its own cost, so a row lost from the totals shows.
const script = Object.keys(FILES).map((f, i) =>
  replyFor(f, { text: fixedReply(f, "x = 2\n"), usage: { promptTokenCount: 1000 * (i + 1) } }),
);

/** What this pass spent, as @gembatch/apply's newSpend counts it. */
const passSpend = (r: SendResult) =>
  roundUsd(r.total_cost - r.results.filter((row) => row.resumed).reduce((sum, row) => sum + (row.cost ?? 0), 0));
const sumCost = (r: SendResult) => roundUsd(r.results.reduce((sum, row) => sum + (row.cost ?? 0), 0));

describe("--resume with a subset of the run's files", () => {
  it("keeps the rows of files answered earlier and totals the whole run directory", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    const first = await runSend(project.options({ filesToFix: ["src/a.py", "src/b.py"] }), {
      client,
      clock: createManualClock(),
    });
    const [a, b] = first.results;
    const summaryFile = path.join(project.root, first.output_dir, "BATCH_SUMMARY.json");

    const onlyC = await runSend(
      project.options({ filesToFix: ["src/c.py"], resume: true, outputDir: first.output_dir }),
      { client, clock: createManualClock() },
    );
    expect(emu.record.counts.generateContent).toBe(3);
    expect(onlyC.results.map((r) => [r.file_to_fix, r.n, r.resumed])).toEqual([
      ["src/a.py", 1, true],
      ["src/b.py", 2, true],
      ["src/c.py", 3, false],
    ]);
    expect(onlyC.results.slice(0, 2)).toEqual([
      { ...a, resumed: true },
      { ...b, resumed: true },
    ]);
    const c = onlyC.results[2]!;
    expect(onlyC).toMatchObject({
      success: true,
      files_processed: 3,
      files_succeeded: 3,
      files_failed: 0,
      files_resumed: 2,
      not_sent: [],
    });
    expect(onlyC.total_cost).toBeCloseTo(a!.cost! + b!.cost! + c.cost!, 12);
    expect(onlyC.average_cost_per_file).toBeCloseTo(onlyC.total_cost / 3, 12);
    expect(onlyC.usage.prompt_tokens).toBe(6000);
    expect(onlyC.usage.total_tokens).toBe(a!.usage.total_tokens + b!.usage.total_tokens + c.usage.total_tokens);
    expect(passSpend(onlyC)).toBeCloseTo(c.cost!, 12);
    expect(readJson<SendResult>(summaryFile)).toMatchObject({
      files_processed: 3,
      total_cost: onlyC.total_cost,
      results: onlyC.results,
    });

    // Naming one answered, unchanged file sends nothing and still reports the whole directory.
    const onlyB = await runSend(
      project.options({ filesToFix: ["src/b.py"], resume: true, outputDir: first.output_dir }),
      { client, clock: createManualClock() },
    );
    expect(emu.record.counts.generateContent).toBe(3);
    expect(onlyB.results.map((r) => [r.file_to_fix, r.resumed])).toEqual([
      ["src/a.py", true],
      ["src/b.py", true],
      ["src/c.py", true],
    ]);
    expect(onlyB).toMatchObject({
      files_processed: 3,
      files_succeeded: 3,
      files_resumed: 3,
      total_cost: onlyC.total_cost,
    });
    expect(passSpend(onlyB)).toBe(0);

    // A changed file sent again replaces its row; the others are carried over.
    writeFileSync(path.join(project.root, "src/b.py"), "b = 10\n");
    const bAgain = await runSend(
      project.options({ filesToFix: ["src/b.py"], resume: true, outputDir: first.output_dir }),
      { client, clock: createManualClock(), warn: () => {} },
    );
    expect(emu.record.counts.generateContent).toBe(4);
    expect(bAgain.results.map((r) => [r.file_to_fix, r.n, r.resumed])).toEqual([
      ["src/a.py", 1, true],
      ["src/b.py", 2, false],
      ["src/c.py", 3, true],
    ]);
    expect(bAgain.files_processed).toBe(3);
    expect(bAgain.total_cost).toBeCloseTo(sumCost(bAgain), 12);
    expect(passSpend(bAgain)).toBeCloseTo(bAgain.results[1]!.cost!, 12);
    expect(readJson<SendResult>(summaryFile).results.map((r) => r.file_to_fix)).toEqual([
      "src/a.py",
      "src/b.py",
      "src/c.py",
    ]);
  });

  it("lists a named file left unsent only in not_sent, not with its earlier failed answer", async () => {
    const project = makeProject({ "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" });
    const { client } = await useEmulator({
      script: [
        replyFor("src/a.py", { text: fixedReply("src/a.py", "a = 2\n") }),
        replyFor("src/b.py", { text: "no markers", finishReason: "STOP" }),
      ],
    });
    const first = await runSend(project.options(), { client, clock: createManualClock() });
    expect(first.results.map((r) => r.success)).toEqual([true, false]);
    const controller = new AbortController();
    controller.abort(new DOMException("SIGINT received", "AbortError"));
    const again = await runSend(
      project.options({ filesToFix: ["src/b.py"], resume: true, outputDir: first.output_dir }),
      { client, clock: createManualClock(), signal: controller.signal },
    );
    expect(again.results.map((r) => [r.file_to_fix, r.resumed])).toEqual([["src/a.py", true]]);
    expect(again.not_sent).toEqual([{ file_to_fix: "src/b.py", reason: "interrupted" }]);
    expect(again.total_cost).toBeCloseTo(first.results[0]!.cost!, 12);
  });
});
