import { readFileSync } from "node:fs";
import path from "node:path";
import { createManualClock, defaultPricing } from "@gembatch/core";
import { createManualClock as createEmulatorClock } from "@gembatch/emulator";
import { describe, expect, it } from "vitest";
import { cacheMinTokens } from "./cache.js";
import { SYSTEM_INSTRUCTION } from "./prompt.js";
import { runSend } from "./run-send.js";
import { sendExitCode } from "./summary.js";
import { fixedReply, isRetirementNotice, makeProject, replyFor, useEmulator } from "../test/helpers/project.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));

describe("explicit context caching", () => {
  it("creates a cache of the system instruction and report, uses it on every request, deletes it, and reports the saving", async () => {
    // ~6,000 tokens of report: above gemini-2.5-flash's 2,048-token minimum.
    const project = makeProject(FILES, { padding: 24_000 });
    const { emu, client } = await useEmulator({ script });
    const ledgerFile = path.join(project.root, "tmp", "ledger.jsonl");
    const clock = createManualClock();
    const result = await runSend(project.options(), { client, clock, ledgerFile });
    expect(sendExitCode(result)).toBe(0);

    const [cache] = emu.record.caches;
    expect(emu.record.caches).toHaveLength(1);
    expect(cache).toMatchObject({ model: "gemini-2.5-flash", deleted: true });
    expect(emu.record.generate.map((g) => g.cachedContent)).toEqual([cache!.name, cache!.name]);
    // The cache holds the shared prefix; each request adds only its own file.
    expect(
      emu.record.generate[0]!.prompt.startsWith(`${SYSTEM_INSTRUCTION}\n${project.report}\nFILE TO FIX: src/a.py`),
    ).toBe(true);

    expect(result.usage.cached_tokens).toBe(2 * cache!.tokens);
    expect(result.results.every((r) => r.usage.cached_tokens === cache!.tokens)).toBe(true);
    const summary = result.cache!;
    expect(summary).toMatchObject({
      name: cache!.name,
      tokens: cache!.tokens,
      created: true,
      deleted: true,
      cached_tokens_used: 2 * cache!.tokens,
    });
    expect(summary.creation_cost).toBeCloseTo((cache!.tokens * 0.3) / 1e6, 12);
    expect(summary.storage_cost).toBe(0);
    // Each request saves (0.30 − 0.03)/M on the cached tokens; the cache itself cost its creation.
    expect(summary.saving).toBeCloseTo((2 * cache!.tokens * (0.3 - 0.03) - cache!.tokens * 0.3) / 1e6, 12);
    expect(result.total_cost).toBeCloseTo(
      result.results[0]!.cost! + result.results[1]!.cost! + summary.creation_cost!,
      12,
    );

    const request = project.read(`${result.output_dir}/request_1_a.md`);
    expect(request).toContain(`cached_content: ${cache!.name}`);
    expect(request).toContain(
      `<!-- CACHED CONTENT 1 role=user (${cache!.name}) -->\n${project.report}\n<!-- CONTENT turn=1 role=user part=1 -->\nFILE TO FIX: src/a.py`,
    );
    expect(request).not.toContain("<!-- SYSTEM_INSTRUCTION -->");

    const operations = readFileSync(ledgerFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { operation: string }).operation);
    expect(operations.sort()).toEqual(["cache_create", "cache_storage", "generateContent", "generateContent"]);
  });

  it("bills storage for the hours the cache lived", async () => {
    const project = makeProject(FILES, { padding: 24_000 });
    const { emu, client } = await useEmulator({ script });
    const clock = createManualClock();
    // Each file takes half an hour on the injected clock.
    const result = await runSend(project.options({ concurrency: 1 }), {
      client,
      clock,
      progress: () => ({ tick: () => void clock.advance(30 * 60_000), update: () => {}, stop: () => {} }),
    });
    const tokens = emu.record.caches[0]!.tokens;
    expect(result.cache!.storage_hours).toBeCloseTo(1, 6);
    expect(result.cache!.storage_cost).toBeCloseTo((tokens * 1 * 1.0) / 1e6, 12);
  });

  it("extends the TTL before it runs out during a long run", async () => {
    const project = makeProject(FILES, { padding: 24_000 });
    const { emu, client } = await useEmulator({ script });
    const clock = createManualClock();
    const result = await runSend(project.options({ concurrency: 1, cacheTtlSeconds: 600 }), {
      client,
      clock,
      progress: () => ({ tick: () => void clock.advance(30 * 60_000), update: () => {}, stop: () => {} }),
    });
    expect(result.success).toBe(true);
    // The first request goes out with 10 minutes left; by the second, half an hour later, it was due.
    expect(emu.record.counts["caches.update"]).toBe(1);
    expect(emu.record.caches).toMatchObject([{ deleted: true }]);
  });

  it("sends again without the cache when it is gone mid-run", async () => {
    const project = makeProject(FILES, { padding: 24_000 });
    const serverClock = createEmulatorClock();
    const { emu, client } = await useEmulator({ script, clock: serverClock });
    const warnings: string[] = [];
    const result = await runSend(project.options({ concurrency: 1 }), {
      client,
      clock: createManualClock(),
      warn: (m) => void (isRetirementNotice(m) || warnings.push(m)),
      // On Google's side two hours pass after the first file: the one-hour cache expires.
      progress: () => ({ tick: () => serverClock.advance(2 * 3_600_000), update: () => {}, stop: () => {} }),
    });
    expect(result.success).toBe(true);
    expect(emu.record.statuses.generateContent).toEqual({ "200": 2, "403": 1 });
    expect(emu.record.generate.map((g) => Boolean(g.cachedContent))).toEqual([true, false]);
    expect(warnings.some((w) => /is gone/.test(w))).toBe(true);
    expect(project.read(`${result.output_dir}/request_2_b.md`)).toContain("cached_content: (none)");
  });

  it("deletes the cache when the run stops on an API error", async () => {
    const project = makeProject(FILES, { padding: 24_000 });
    const { emu, client } = await useEmulator({
      script,
      faults: [{ route: "generateContent", sequence: ["daily_quota_429"] }],
    });
    const result = await runSend(project.options({ concurrency: 1 }), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(3);
    expect(emu.record.caches).toMatchObject([{ deleted: true }]);
    expect(result.cache).toMatchObject({ created: true, deleted: true });
  });

  it("sends without a cache with --no-cache, for a single file, and below the model's minimum", async () => {
    for (const [files, padding, cache] of [
      [FILES, 24_000, false],
      [{ "src/a.py": "a = 1\n" }, 24_000, true],
      [FILES, 0, true],
    ] as const) {
      const project = makeProject(files, { padding });
      const { emu, client } = await useEmulator({ script });
      const result = await runSend(project.options({ cache }), { client, clock: createManualClock() });
      expect(result.success).toBe(true);
      expect(result.cache).toBeNull();
      expect(emu.record.caches).toEqual([]);
      expect(emu.record.generate.every((g) => !g.cachedContent)).toBe(true);
    }
  });

  it("goes on without the cache when Google refuses to create it", async () => {
    const project = makeProject(FILES, { padding: 24_000 });
    const { emu, client } = await useEmulator({ script, caches: { minTokens: 1_000_000 } });
    const warnings: string[] = [];
    const result = await runSend(project.options(), {
      client,
      clock: createManualClock(),
      warn: (m) => void (isRetirementNotice(m) || warnings.push(m)),
    });
    expect(result.success).toBe(true);
    expect(result.cache).toMatchObject({ created: false, name: null });
    expect(result.cache!.error).toMatch(/too small/);
    expect(warnings[0]).toMatch(/^explicit cache not created/);
    expect(emu.record.generate.every((g) => !g.cachedContent)).toBe(true);
  });

  it("knows each family's minimum", () => {
    expect(cacheMinTokens("gemini-2.5-flash", defaultPricing)).toBe(2048);
    expect(cacheMinTokens("gemini-2.5-pro", defaultPricing)).toBe(2048);
    expect(cacheMinTokens("gemini-3.8-flash", defaultPricing)).toBe(4096);
    expect(cacheMinTokens("gemini-flash-latest", defaultPricing)).toBe(4096);
  });
});
