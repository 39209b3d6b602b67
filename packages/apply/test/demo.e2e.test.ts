import { readFileSync } from "node:fs";
import path from "node:path";
import { EXAMPLE_DIR, exampleProject, gembatch, runExampleTests, servedUrl } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import type { LedgerRecord } from "@gembatch/core";

const replies = path.join(EXAMPLE_DIR, "demo", "emulator-replies.json");

describe("the README's offline first run", () => {
  it("gembatch emulator with the demo replies, then scan-and-fix fixes every logger.bind and the tests pass", async () => {
    const root = exampleProject();
    const emulator = gembatch(root, ["emulator", "--port", "0", "--script", replies, "--any-key"]);
    const url = await servedUrl(emulator);
    const env = { GEMBATCH_BASE_URL: url, GEMINI_API_KEY: "test-key" };
    const dry = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--dry-run", "--json"], env);
    expect(dry.exitCode).toBe(0);
    const run = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--json"], env);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ success: true, files_fixed: 3, files_failed: 0 });
    const tests = await runExampleTests(root);
    expect(tests.exitCode, tests.stderr).toBe(0);
    expect(readFileSync(path.join(root, "orders", "service.py"), "utf8")).not.toContain("logger.bind");
    const ledger = readFileSync(path.join(root, "tmp", "gembatch_cost_ledger.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as LedgerRecord);
    expect(ledger.map((r) => r.command)).toEqual(["scan-and-fix", "scan-and-fix", "scan-and-fix"]);
  }, 120_000);
});
