import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@gembatch/emulator";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import type { SendResult } from "../src/types.js";

// Runs the built umbrella bin against an emulator started here, as an agent or a developer would.
const bin = fileURLToPath(new URL("../../cli/bin/gembatch.js", import.meta.url));
const KEY = "e2e-send-key";

function project(): string {
  if (!existsSync(fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url))))
    throw new Error("build first: packages/cli/dist is missing");
  const root = mkdtempSync(path.join(os.tmpdir(), "gembatch-send-e2e-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, ".git"));
  mkdirSync(path.join(root, "src"));
  mkdirSync(path.join(root, "tmp", "issues"), { recursive: true });
  writeFileSync(path.join(root, "src", "a.py"), "a = 1\n");
  writeFileSync(path.join(root, "src", "b.py"), "b = 1\n");
  writeFileSync(
    path.join(root, "tmp", "issues", "fix_x.md"),
    "# Issue Report: x\n\n## Files to Fix\n1. src/a.py\n2. src/b.py\n\n## Issue Details\nSet both to 2.\n",
  );
  return root;
}

const reply = (file: string) =>
  `<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\nx = 2\n\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`;

async function emulator(delayMs = 0) {
  const emu = await startEmulator({
    apiKey: KEY,
    script: ["src/a.py", "src/b.py"].map((f) => ({
      match: { text: `FILE TO FIX: ${f}` },
      reply: { text: reply(f), delayMs },
    })),
  });
  onTestFinished(() => emu.close());
  return emu;
}

const env = (url: string) => ({
  GEMINI_API_KEY: KEY,
  GEMBATCH_BASE_URL: url,
  GEMBATCH_MODEL: "gemini-2.5-flash-lite",
  GOOGLE_API_KEY: "",
  CI: "1",
});

const help = await execa(process.execPath, [bin, "--help"], { reject: false });
const registered = /^\s+send\b/m.test(help.stdout);

if (!registered) throw new Error("the built gembatch bin does not list send: run the build (pnpm build) first");

describe("gembatch send (built bin)", () => {
  it("the seed's call: one JSON argument in, one JSON result out, the run directory written", async () => {
    const root = project();
    const emu = await emulator();
    const args = JSON.stringify({
      issue_report_file: "tmp/issues/fix_x.md",
      files_to_fix: ["src/a.py", "src/b.py"],
      max_tokens: 7500,
    });
    const result = await execa(process.execPath, [bin, "send", args], { cwd: root, env: env(emu.url), reject: false });
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
    const child = execa(
      process.execPath,
      [
        bin,
        "send",
        "--issue-report-file",
        "tmp/issues/fix_x.md",
        "--files-to-fix",
        "src/a.py",
        "src/b.py",
        "--output-dir",
        "tmp/run",
        "--json",
      ],
      {
        cwd: root,
        env: env(emu.url),
        reject: false,
      },
    );
    for (let i = 0; i < 100 && (emu.record.counts.generateContent ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const stopped = await child;
    expect(stopped.exitCode).toBe(130);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: "interrupted", files_processed: 0 });
    expect(existsSync(path.join(root, "tmp", "run", "BATCH_SUMMARY.json"))).toBe(true);

    const fast = await emulator();
    const resumed = await execa(
      process.execPath,
      [
        bin,
        "send",
        "--issue-report-file",
        "tmp/issues/fix_x.md",
        "--files-to-fix",
        "src/a.py",
        "src/b.py",
        "--output-dir",
        "tmp/run",
        "--resume",
        "--json",
      ],
      {
        cwd: root,
        env: env(fast.url),
        reject: false,
      },
    );
    expect(resumed.exitCode).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ success: true, files_succeeded: 2 });
  });
});
