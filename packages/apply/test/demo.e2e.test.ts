import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { exampleProject } from "../src/test-helpers/example.js";
import { BIN } from "./bin.js";
import type { LedgerRecord } from "@gembatch/core";

const replies = fileURLToPath(new URL("../../../examples/python-service/demo/emulator-replies.json", import.meta.url));

describe("the README's offline first run", () => {
  it("gembatch emulator with the demo replies, then scan-and-fix fixes every logger.bind and the tests pass", async () => {
    const root = exampleProject();
    const emulator = execa(process.execPath, [BIN, "emulator", "--port", "0", "--script", replies, "--any-key"], {
      reject: false,
    });
    onTestFinished(() => void emulator.kill("SIGTERM"));
    const url = await new Promise<string>((resolve) =>
      emulator.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim().split("\n")[0]!)),
    );
    const env = { GEMBATCH_BASE_URL: url, GEMINI_API_KEY: "test-key", GOOGLE_API_KEY: "", GEMBATCH_MODEL: "", CI: "1" };
    const dry = await execa(process.execPath, [BIN, "scan-and-fix", "--rules", "logger-bind", "--dry-run", "--json"], {
      cwd: root,
      env,
      reject: false,
    });
    expect(dry.exitCode).toBe(0);
    const run = await execa(process.execPath, [BIN, "scan-and-fix", "--rules", "logger-bind", "--json"], {
      cwd: root,
      env,
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ success: true, files_fixed: 3, files_failed: 0 });
    const tests = await execa("python3", ["-W", "error::DeprecationWarning", "-m", "unittest", "-q"], {
      cwd: root,
      reject: false,
    });
    expect(tests.exitCode, tests.stderr).toBe(0);
    expect(readFileSync(path.join(root, "orders", "service.py"), "utf8")).not.toContain("logger.bind");
    const ledger = readFileSync(path.join(root, "tmp", "gembatch_cost_ledger.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as LedgerRecord);
    expect(ledger.map((r) => r.command)).toEqual(["scan-and-fix", "scan-and-fix", "scan-and-fix"]);
  }, 120_000);
});
