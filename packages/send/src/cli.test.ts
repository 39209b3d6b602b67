import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { runCommand } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { sendCommand } from "./cli.js";
import { API_KEY, fixedReply, makeProject, replyFor, useEmulator } from "../test/helpers/project.js";
import type { LedgerRecord } from "@gembatch/core";
import type { SendResult } from "./types.js";

function gembatch(argv: string[], options: { cwd: string; baseUrl: string; key?: string }) {
  return runCommand(sendCommand, argv, {
    cwd: options.cwd,
    env: {
      GEMINI_API_KEY: options.key ?? API_KEY,
      GEMBATCH_BASE_URL: options.baseUrl,
      GEMBATCH_MODEL: "gemini-2.5-flash-lite",
    },
  });
}

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));

describe("gembatch send (in process)", () => {
  it("takes the seed's JSON argument and prints one JSON result", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator({ script });
    const json = JSON.stringify({
      issue_report_file: "tmp/issues/fix_logger_bind.md",
      files_to_fix: ["src/a.py", "src/b.py"],
      max_tokens: 7500,
      temperature: 0.2,
    });
    const { code, out } = await gembatch([json], { cwd: project.root, baseUrl: emu.url });
    expect(code).toBe(0);
    const result = JSON.parse(out) as SendResult;
    expect(result).toMatchObject({
      success: true,
      files_processed: 2,
      files_succeeded: 2,
      model: "gemini-2.5-flash-lite",
    });
    expect(emu.record.generate[0]!.prompt).toContain("FILE TO FIX: src/a.py");
    // Every call lands in the cost ledger.
    const ledger = readFileSync(path.join(project.root, "tmp", "gembatch_cost_ledger.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(ledger.map((l) => JSON.parse(l) as LedgerRecord).map((r) => [r.command, r.operation])).toEqual([
      ["send", "generateContent"],
      ["send", "generateContent"],
    ]);
  });

  it("takes the same input as flags and prints the seed's human summary", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator({ script });
    const { code, out } = await gembatch(
      ["--issue-report-file", "tmp/issues/fix_logger_bind.md", "--files-to-fix", "src/a.py", "src/b.py", "--no-cache"],
      { cwd: project.root, baseUrl: emu.url },
    );
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("Processing 2 files through Gemini...");
    expect(lines[1]).toMatch(/^\[1\/2\] src\/a\.py ✓ Success - Cost: \$0\.\d+$/);
    expect(lines[3]).toMatch(
      /^2\/2 succeeded\. Total cost: \$0\.\d+ \(avg \$0\.\d+\/file\)\. Run dir: tmp\/gemini_batch_\d{8}_\d{6}\/$/,
    );
  });

  it("rejects a missing file to fix with exit 2 and a one-line error naming it", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator();
    const json = JSON.stringify({
      issue_report_file: "tmp/issues/fix_logger_bind.md",
      files_to_fix: ["src/a.py", "src/b.py", "src/x.py"],
    });
    const { code, out, err } = await gembatch([json], { cwd: project.root, baseUrl: emu.url });
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({
      success: false,
      error: { code: "FILE_NOT_FOUND", message: "files_to_fix[2]: file not found: src/x.py" },
    });
    expect(err).toContain("error: files_to_fix[2]: file not found: src/x.py");
    expect(emu.record.generate).toEqual([]);
  });

  it("rejects max_tokens above the model's output limit and an unknown key", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator();
    const tooMany = await gembatch(
      [
        JSON.stringify({
          issue_report_file: "tmp/issues/fix_logger_bind.md",
          files_to_fix: ["src/a.py"],
          max_tokens: 100_000,
        }),
      ],
      { cwd: project.root, baseUrl: emu.url },
    );
    expect(tooMany.code).toBe(2);
    expect((JSON.parse(tooMany.out) as { error: { code: string; message: string } }).error.message).toBe(
      "max_tokens: 100000 is above the output limit of gemini-2.5-flash-lite (65536)",
    );
    const typo = await gembatch(
      [JSON.stringify({ issue_report_file: "x", files_to_fix: ["src/a.py"], max_token: 5 })],
      { cwd: project.root, baseUrl: emu.url },
    );
    expect(typo.code).toBe(2);
    expect((JSON.parse(typo.out) as { error: { code: string; message: string } }).error.message).toMatch(
      /^max_token: unknown key \(did you mean "max_tokens"\?\)/,
    );
  });

  it("without an API key exits 3 before creating a run directory; a dry run needs no key", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator();
    const args = ["--issue-report-file", "tmp/issues/fix_logger_bind.md", "--files-to-fix", "src/a.py", "--json"];
    const noKey = await gembatch(args, { cwd: project.root, baseUrl: emu.url, key: "" });
    expect(noKey.code).toBe(3);
    expect((JSON.parse(noKey.out) as { error: { code: string; message: string } }).error.code).toBe("NO_API_KEY");
    expect(readdirSync(path.join(project.root, "tmp"))).toEqual(["issues"]);
    const dry = await gembatch([...args, "--dry-run"], { cwd: project.root, baseUrl: emu.url, key: "" });
    expect(dry.code).toBe(0);
  });

  it("reports a budget stop with exit 4 and a dry run with exit 0", async () => {
    const project = makeProject(FILES);
    const { emu } = await useEmulator({ script });
    const budget = await gembatch(
      [
        "--issue-report-file",
        "tmp/issues/fix_logger_bind.md",
        "--files-to-fix",
        "src/a.py",
        "--max-cost",
        "0.000001",
        "--json",
      ],
      { cwd: project.root, baseUrl: emu.url },
    );
    expect(budget.code).toBe(4);
    expect(JSON.parse(budget.out)).toMatchObject({
      success: false,
      stopped: "budget",
      not_sent: [{ file_to_fix: "src/a.py", reason: "budget" }],
    });
    const dry = await gembatch(
      ["--issue-report-file", "tmp/issues/fix_logger_bind.md", "--files-to-fix", "src/a.py", "--dry-run"],
      { cwd: project.root, baseUrl: emu.url },
    );
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^Dry run: 1 request\(s\) written, nothing sent\./);
    expect(emu.record.generate).toEqual([]);
  });
});
