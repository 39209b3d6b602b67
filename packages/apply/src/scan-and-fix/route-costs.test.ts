import { readFileSync } from "node:fs";
import { defaultPricing, resolveGenerationSettings } from "@gembatch/core";
import type { DryRunFile } from "@gembatch/send";
import { describe, expect, it } from "vitest";
import { exampleProject } from "../../test/helpers/example.js";
import { emulatorDeps, fixOptions, useEmulator } from "../../test/helpers/harness.js";
import { routeCosts } from "./route-costs.js";
import { runScanAndFix } from "./run-scan-and-fix.js";

const MODEL = "gemini-3.8-flash";
const AT = Date.UTC(2026, 10, 29);

function planned(promptTokens: number, fileTokens: number, n: number): DryRunFile[] {
  return Array.from({ length: n }, (_, i) => ({
    n: i + 1,
    file_to_fix: `f${i}.py`,
    request_file: `r${i}.md`,
    sha256_sent: "x",
    fence: "```",
    estimated_prompt_tokens: promptTokens,
    estimated_file_tokens: fileTokens,
    estimated_cost: 0,
    estimated_cost_expected: 0,
    too_large: null,
  }));
}

describe("the dry run's cost by route", () => {
  it("prices the same requests at batch rates (half of sync) next to sync, in the result and the markdown summary", async () => {
    const root = exampleProject();
    const emu = await useEmulator();
    const settings = resolveGenerationSettings({}, { model: MODEL });
    const result = await runScanAndFix(fixOptions(root, { dryRun: true, settings }), emulatorDeps(emu));
    const route = result.cost_by_route!;
    expect(route.sync).toBeGreaterThan(0);
    expect(route.batch! / route.sync!).toBeCloseTo(0.5, 2);
    expect(route.sync).toBeCloseTo(result.estimated_cost_expected!, 6);
    // The example's report is far below the 4,096-token cache minimum: caching changes nothing.
    expect(route).toMatchObject({ cached_rules: 0, sync_with_cache: route.sync });
    const markdown = readFileSync(`${root}/${result.summary_markdown_file}`, "utf8");
    expect(markdown).toMatch(
      /\| Expected cost by route \| sync \$[\d.]+ · batch \(`--via batch`\) \$[\d.]+ · sync with caching \$[\d.]+ \(shared context too small to cache\) \|/,
    );
    expect(emu.record.counts).toEqual({});
  });

  it("with a shared context large enough to cache, sync with caching costs less than sync (creation and an hour of storage included)", () => {
    const report = "word ".repeat(40_000);
    const costs = routeCosts({
      model: MODEL,
      report,
      planned: planned(12_000, 1_000, 20),
      maxTokens: 8192,
      at: AT,
      pricing: defaultPricing,
    });
    expect(costs.cached_rules).toBe(1);
    expect(costs.sync_with_cache!).toBeLessThan(costs.sync!);
    expect(costs.sync_with_cache!).toBeGreaterThan(0);
    // One file alone is never cached (nothing to share it with).
    expect(
      routeCosts({
        model: MODEL,
        report,
        planned: planned(12_000, 1_000, 1),
        maxTokens: 8192,
        at: AT,
        pricing: defaultPricing,
      }).cached_rules,
    ).toBe(0);
  });
});
