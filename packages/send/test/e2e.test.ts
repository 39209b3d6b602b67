import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gembatch, projectDir, requireBuiltBin, useEmulator, waitFor } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import type { SendResult } from "../src/types.js";

// Runs the built umbrella bin against an emulator started here, as an agent or a developer would.
const KEY = "e2e-send-key";

const project = () =>
  projectDir({
    "src/a.py": "a = 1\n",
    "src/b.py": "b = 1\n",
    "tmp/issues/fix_x.md":
      "# Issue Report: x\n\n## Files to Fix\n1. src/a.py\n2. src/b.py\n\n## Issue Details\nSet both to 2.\n",
  });

const reply = (file: string) =>
  `<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\nx = 2\n\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`;

const emulator = (delayMs = 0) =>
  useEmulator({
    apiKey: KEY,
    script: ["src/a.py", "src/b.py"].map((f) => ({
      match: { text: `FILE TO FIX: ${f}` },
      reply: { text: reply(f), delayMs },
    })),
  });

const env = (url: string) => ({
  GEMINI_API_KEY: KEY,
  GEMBATCH_BASE_URL: url,
  GEMBATCH_MODEL: "gemini-2.5-flash-lite",
});

await requireBuiltBin(["send"]);

describe("gembatch send (built bin)", () => {
  it("the seed's call: one JSON argument in, one JSON result out, the run directory written", async () => {
    const root = project();
    const emu = await emulator();
    const args = JSON.stringify({
      issue_report_file: "tmp/issues/fix_x.md",
      files_to_fix: ["src/a.py", "src/b.py"],
      max_tokens: 7500,
    });
    const result = await gembatch(root, ["send", args], env(emu.url));
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as SendResult;
    expect(doc).toMatchObject({ success: true, files_processed: 2, files_succeeded: 2 });
    expect(readFileSync(path.join(root, doc.results[1]!.response_file!), "utf8")).toBe(reply("src/b.py"));
    expect(
      (JSON.parse(readFileSync(path.join(root, doc.output_dir, "BATCH_SUMMARY.json"), "utf8")) as SendResult)
        .total_cost,
    ).toBe(doc.total_cost);
    expect(result.stdout).not.toContain(KEY);
    expect(emu.record.counts.generateContent).toBe(2);
  });

  it("SIGINT mid-run: the summary of what finished, exit 130; --resume finishes the rest", async () => {
    const root = project();
    const emu = await emulator(3_000);
    const args = ["send", "--issue-report-file", "tmp/issues/fix_x.md", "--files-to-fix", "src/a.py", "src/b.py"];
    const child = gembatch(root, [...args, "--output-dir", "tmp/run", "--json"], env(emu.url));
    await waitFor(() => (emu.record.counts.generateContent ?? 0) >= 2, "both requests out");
    child.kill("SIGINT");
    const stopped = await child;
    expect(stopped.exitCode).toBe(130);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: "interrupted", files_processed: 0 });
    expect(existsSync(path.join(root, "tmp", "run", "BATCH_SUMMARY.json"))).toBe(true);

    const fast = await emulator();
    const resumed = await gembatch(root, [...args, "--output-dir", "tmp/run", "--resume", "--json"], env(fast.url));
    expect(resumed.exitCode).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ success: true, files_succeeded: 2 });
  });
});
