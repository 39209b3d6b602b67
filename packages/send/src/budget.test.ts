import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { createBudget } from "./budget.js";
import { runSend } from "./run-send.js";
import { sendExitCode } from "./summary.js";
import { fixedReply, makeProject, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { SendResult } from "./types.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n", "src/c.py": "c = 1\n" };
const script = Object.keys(FILES).map((f) =>
  replyFor(f, { text: fixedReply(f, "x = 2\n"), usage: { candidatesTokenCount: 7000 } }),
);

describe("dry run", () => {
  it("writes every request and an estimate, and sends nothing (the emulator records zero calls)", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator();
    let clientsMade = 0;
    const result = await runSend(project.options({ dryRun: true }), {
      createClient: () => {
        clientsMade++;
        return Promise.resolve(undefined as never);
      },
      clock: createManualClock(),
    });
    expect(sendExitCode(result)).toBe(0);
    expect(clientsMade).toBe(0);
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(emu.record.generate).toEqual([]);
    const dir = path.join(project.root, result.output_dir);
    expect(readdirSync(dir).sort()).toEqual([
      "DRY_RUN_ESTIMATE.json",
      "request_1_a.md",
      "request_2_b.md",
      "request_3_c.md",
    ]);
    expect(result.planned).toHaveLength(3);
    // Prompt at $0.30/M plus a full 7,500-token reply at $2.50/M, per file.
    const first = result.planned![0]!;
    expect(first.estimated_cost).toBeCloseTo((first.estimated_prompt_tokens * 0.3 + 7500 * 2.5) / 1e6, 12);
    expect(result.estimated_cost).toBeCloseTo(
      result.planned!.reduce((s, p) => s + p.estimated_cost!, 0),
      12,
    );
    expect(readJson<SendResult>(path.join(dir, "DRY_RUN_ESTIMATE.json")).estimated_cost).toBe(result.estimated_cost);
    expect(project.read(path.join(result.output_dir, "request_2_b.md"))).toContain("FILE TO FIX: src/b.py");
  });
});

describe("max_cost", () => {
  it("stops before the request that would cross the cap (exit 4) and reports what finished", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    // Each request may cost ~$0.019 (7,500 output tokens at $2.50/M); the first really costs ~$0.0176.
    const result = await runSend(project.options({ maxCost: 0.03 }), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(4);
    expect(result.stopped).toBe("budget");
    expect(emu.record.counts.generateContent).toBe(1);
    expect(result.results.map((r) => r.file_to_fix)).toEqual(["src/a.py"]);
    expect(result.not_sent).toEqual([
      { file_to_fix: "src/b.py", reason: "budget" },
      { file_to_fix: "src/c.py", reason: "budget" },
    ]);
    expect(result.budget).toEqual({ max_cost: 0.03, spent: result.results[0]!.cost });
    expect(result.total_cost).toBeLessThanOrEqual(0.03);
    expect(existsSync(path.join(project.root, result.output_dir, "BATCH_SUMMARY.json"))).toBe(true);
  });

  it("sends everything when the cap holds", async () => {
    const project = makeProject(FILES);
    const { client } = await useEmulator({ script });
    const result = await runSend(project.options({ maxCost: 1 }), { client, clock: createManualClock() });
    expect(result).toMatchObject({ success: true, stopped: null, files_succeeded: 3 });
  });

  it("refuses max_cost for a model without a known price, before sending or writing anything", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator();
    await expect(
      runSend(project.options({ model: "gemini-9.9-mystery", maxCost: 1 }), { client }),
    ).rejects.toMatchObject({
      code: "BAD_INPUT",
      exitCode: 2,
      message: 'max_cost: no price is known for model "gemini-9.9-mystery", so the cap cannot be enforced',
    });
    expect(emu.record.generate).toEqual([]);
    expect(
      existsSync(path.join(project.root, "tmp")) &&
        readdirSync(path.join(project.root, "tmp")).some((d) => d.startsWith("gemini_batch_")),
    ).toBe(false);
  });

  it("counts requests in flight at their full estimate", () => {
    const budget = createBudget(1);
    const first = budget.reserve(0.6)!;
    expect(budget.reserve(0.6)).toBeNull();
    budget.settle(first, 0.1);
    expect(budget.reserve(0.6)).not.toBeNull();
    expect(budget.spent()).toBe(0.1);
  });
});
