import { resolveGenerationSettings } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { exampleProject } from "../../test/helpers/example.js";
import { emulatorDeps, fixOptions, useEmulator } from "../../test/helpers/harness.js";
import { runScanAndFix } from "./run-scan-and-fix.js";

describe("the scan-and-fix dry-run estimate", () => {
  it("shows the expected figure next to the worst case", async () => {
    const root = exampleProject();
    const emu = await useEmulator();
    const settings = resolveGenerationSettings({}, { model: "gemini-3.8-flash" });
    const { rules: _named, ...noRulesNamed } = fixOptions(root, { dryRun: true, settings });
    const result = await runScanAndFix(noRulesNamed, emulatorDeps(emu));
    expect(result.estimated_cost_expected).toBeGreaterThan(0);
    expect(result.estimated_cost_expected!).toBeLessThan(result.estimated_cost!);
    expect(emu.record.counts).toEqual({});
  });
});
