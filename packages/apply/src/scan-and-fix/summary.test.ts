import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { writeSummaries } from "./summary.js";
import type { ScanAndFixResult } from "./types.js";

const SECRET = "summary-Secret/key+odd=chars_0042";

describe("writeSummaries", () => {
  beforeEach(() => void vi.stubEnv("GEMINI_API_KEY", SECRET));
  afterEach(() => void vi.unstubAllEnvs());

  it("keeps the API key out of SUMMARY.md, SUMMARY.json and the CI step summary (a warning or a diff may quote it)", async () => {
    const root = tempTree({
      "run/1_config.attempt1.patch": `--- a/config.py\n+++ b/config.py\n@@ -1 +1 @@\n-KEY = "${SECRET}"\n+KEY = os.environ["KEY"]\n`,
    });
    const stepSummary = path.join(root, "step-summary.md");
    writeFileSync(stepSummary, "# earlier step\n");
    const result: ScanAndFixResult = {
      success: true,
      dry_run: false,
      shard: null,
      output_dir: "out",
      findings: 1,
      files_found: 1,
      files_attempted: 1,
      files_fixed: 1,
      files_failed: 0,
      files: [
        {
          path: "config.py",
          rules: ["hardcoded-secret"],
          status: "fixed",
          attempts: 1,
          patch_files: ["run/1_config.attempt1.patch"],
        },
      ],
      reports: [],
      runs: [],
      failure_reports: [],
      escalation_files: [],
      total_cost: 0,
      summary_file: "out/SUMMARY.json",
      summary_markdown_file: "out/SUMMARY.md",
      state_file: null,
      warnings: [`the gateway said: bad key ${encodeURIComponent(SECRET)}`],
    };
    const files = {
      json: path.join(root, "SUMMARY.json"),
      markdown: path.join(root, "SUMMARY.md"),
      stepSummary,
      projectRoot: root,
    };
    await writeSummaries(result, files);
    for (const file of [files.json, files.markdown, stepSummary]) {
      const text = readFileSync(file, "utf8");
      expect(text).toContain("[REDACTED]");
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(encodeURIComponent(SECRET));
    }
    expect(readFileSync(stepSummary, "utf8").startsWith("# earlier step\n## gembatch scan-and-fix")).toBe(true);
  });
});
