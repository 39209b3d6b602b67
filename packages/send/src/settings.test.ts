import { readFileSync } from "node:fs";
import path from "node:path";
import { createManualClock, resolveGenerationSettings, type Clock } from "@gembatch/core";
import { createManualClock as createEmulatorClock } from "@gembatch/emulator";
import { describe, expect, it } from "vitest";
import { runSend } from "./run-send.js";
import { fixedReply, makeProject, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { FileMeta } from "./types.js";
import type { LedgerRecord } from "@gembatch/core";

const FLASH = "gemini-3.8-flash";
const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));
/** About 60,000 tokens: a whole fixed copy plus MEDIUM thinking cannot fit 3.8 Flash's 65,536 output tokens. */
const HUGE = `${"value = compute(alpha, beta, gamma)\n".repeat(6_700)}`;

describe("generation settings reach the request", () => {
  it("sends the thinking level and the reply limit sized from the file, as the emulator records them", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    const clock = createManualClock();
    const settings = resolveGenerationSettings({ thinking_level: "LOW" }, { model: FLASH });
    const result = await runSend(project.options({ model: FLASH, settings }), { client, clock });
    expect(result.success).toBe(true);
    // Two tiny files: the floor of 8,192 output tokens.
    expect(result.max_tokens).toBe(8192);
    expect(emu.record.generate.map((g) => g.settings)).toEqual([
      { maxOutputTokens: 8192, thinkingLevel: "LOW" },
      { maxOutputTokens: 8192, thinkingLevel: "LOW" },
    ]);
    expect(project.read(`${result.output_dir}/request_1_a.md`)).toContain("thinking: LOW");
    expect(readJson<FileMeta>(path.join(project.root, result.output_dir, "response_1_a.meta.json")).max_tokens).toBe(
      8192,
    );
  });

  it("sends a 2.5 model's thinking budget in Batch API rows too", async () => {
    const project = makeProject(FILES);
    const emuClock = createEmulatorClock({ startTime: "2026-11-21T12:00:00Z" });
    const { emu, client } = await useEmulator({
      clock: emuClock,
      script,
      batch: { pendingMs: 1_000, runningMs: 1_000 },
      modelVersions: { "gemini-2.5-flash": "gemini-2.5-flash-002" },
    });
    const clock: Clock = { now: () => emuClock.now(), sleep: (ms) => Promise.resolve(emuClock.advance(ms)) };
    const ledgerFile = path.join(project.root, "tmp", "ledger.jsonl");
    const { temperature: _set, ...noTemperature } = project.options({
      via: "batch",
      pollIntervalMs: 1_000,
      thinking: { budget: 0 },
      maxTokens: 4000,
    });
    const result = await runSend(noTemperature, { client, clock, ledgerFile });
    expect(result.success).toBe(true);
    expect(emu.record.generate.filter((g) => g.route === "batch").map((g) => g.settings)).toEqual([
      { maxOutputTokens: 4000, thinkingBudget: 0 },
      { maxOutputTokens: 4000, thinkingBudget: 0 },
    ]);
    // The ledger names the model that answered each batch row, not only the one asked for.
    const ledger = readFileSync(ledgerFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as LedgerRecord);
    expect(ledger.map((r) => [r.operation, r.model, r.model_version])).toEqual([
      ["batchGenerateContent", "gemini-2.5-flash", "gemini-2.5-flash-002"],
      ["batchGenerateContent", "gemini-2.5-flash", "gemini-2.5-flash-002"],
    ]);
  });

  it("checks a library caller's loose settings against the model as a command's are", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    const { temperature: _set, ...noTemperature } = project.options({ model: FLASH, maxTokens: 70_000 });
    await expect(runSend(noTemperature, { client })).rejects.toThrow(
      "max_tokens: 70000 is above the output limit of gemini-3.8-flash (65536)",
    );
    await expect(
      runSend(project.options({ model: FLASH, maxTokens: 8000, temperature: 0.2 }), { client }),
    ).rejects.toThrow(/temperature: Google deprecated sampling parameters/);
    expect(emu.record.generate).toHaveLength(0);
  });
});

describe("pre-flight: a file too large for one reply", () => {
  it("is skipped with status too_large and the figures, and no request goes out", async () => {
    const project = makeProject({ ...FILES, "src/huge.py": HUGE });
    const { emu, client } = await useEmulator({ script });
    const settings = resolveGenerationSettings({}, { model: FLASH });
    const result = await runSend(project.options({ model: FLASH, settings }), { client, clock: createManualClock() });
    expect(result.success).toBe(false);
    expect(result.not_sent).toEqual([
      {
        file_to_fix: "src/huge.py",
        reason: "too_large",
        too_large: {
          file_tokens: 60_300,
          thinking_headroom: 8192,
          estimated_output_tokens: 80_552,
          output_limit: 65_536,
        },
      },
    ]);
    expect(emu.record.generate.map((g) => g.prompt.includes("FILE TO FIX: src/huge.py"))).toEqual([false, false]);
    expect(
      result.warnings?.some((w) => w.startsWith("src/huge.py: too large for one reply from gemini-3.8-flash")),
    ).toBe(true);
  });

  it("is reported by the dry run, whose estimate shows the worst case next to the expected figure", async () => {
    const project = makeProject({ ...FILES, "src/huge.py": HUGE });
    const settings = resolveGenerationSettings({}, { model: FLASH });
    const result = await runSend(project.options({ model: FLASH, settings, dryRun: true }), {
      clock: createManualClock(),
    });
    expect(result.planned!.map((p) => [p.file_to_fix, p.too_large?.output_limit ?? null])).toEqual([
      ["src/a.py", null],
      ["src/b.py", null],
      ["src/huge.py", 65_536],
    ]);
    const [a, , huge] = result.planned!;
    expect(huge!.estimated_cost).toBe(0);
    expect(a!.estimated_cost_expected!).toBeLessThan(a!.estimated_cost!);
    expect(result.estimated_cost_expected!).toBeLessThan(result.estimated_cost!);
    expect(result.estimated_cost).toBeCloseTo(a!.estimated_cost! * 2, 9);
  });
});

describe("retirement", () => {
  const shutdownDay = Date.parse("2026-12-01T09:00:00Z");

  it("warns the day before the shutdown and refuses the day of it unless allowed", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    const before = await runSend(project.options({ model: "gemini-2.5-pro" }), {
      client,
      clock: createManualClock(shutdownDay - 86_400_000),
    });
    expect(before.success).toBe(true);
    expect(before.warnings).toContain(
      "gemini-2.5-pro shuts down on 2026-12-01 (tomorrow); then Google routes its requests to gemini-3.8-flash, billed at that model's rates",
    );
    const sent = emu.record.generate.length;
    await expect(
      runSend(project.options({ model: "gemini-2.5-pro" }), { client, clock: createManualClock(shutdownDay) }),
    ).rejects.toMatchObject({ code: "MODEL_RETIRED" });
    expect(emu.record.generate).toHaveLength(sent);
    const allowed = await runSend(project.options({ model: "gemini-2.5-pro", allowRetired: true }), {
      client,
      clock: createManualClock(shutdownDay),
    });
    expect(allowed.success).toBe(true);
    expect(allowed.warnings?.some((w) => w.endsWith("(sent anyway: --allow-retired)"))).toBe(true);
  });
});
