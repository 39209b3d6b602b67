import { existsSync } from "node:fs";
import path from "node:path";
import { createManualClock, type CommandDefinition } from "@gembatch/core";
import { projectDir, runCommand } from "@gembatch/test-utils";
import { scanAndFixCommand } from "@gembatch/apply/cli";
import { sendCommand } from "@gembatch/send/cli";
import { submitCommand } from "@gembatch/submit/cli";
import { describe, expect, it } from "vitest";

const project = () =>
  projectDir({
    "a.py": "a = 1\n",
    "tmp/issues/fix_x.md": "# Issue Report: x\n\n## Files to Fix\n1. a.py\n\n## Issue Details\nfix it\n",
  });

const COMMANDS: Array<[string, CommandDefinition, string[]]> = [
  ["send", sendCommand, ["--issue-report-file", "tmp/issues/fix_x.md", "--files-to-fix", "a.py", "--dry-run"]],
  ["scan-and-fix", scanAndFixCommand, ["--dry-run", "--skip-verify"]],
  ["submit", submitCommand, ["--dir", "batches"]],
];

async function run(definition: CommandDefinition, argv: string[], day: string, extraEnv: Record<string, string> = {}) {
  const root = project();
  const { code, err } = await runCommand(definition, argv, {
    cwd: root,
    env: {
      GEMINI_API_KEY: "k",
      GEMBATCH_BASE_URL: "http://127.0.0.1:9",
      GEMBATCH_MODEL: "gemini-2.5-pro",
      ...extraEnv,
    },
    clock: createManualClock(Date.parse(`${day}T08:00:00Z`)),
  });
  return { code, err, root };
}

describe.each(COMMANDS)("%s and a model's shutdown date", (_name, definition, argv) => {
  it("warns the day before, naming the model Google routes to", async () => {
    const { err } = await run(definition, argv, "2026-11-30");
    expect(err).toContain(
      "warning: gemini-2.5-pro shuts down on 2026-12-01 (tomorrow); then Google routes its requests to gemini-3.8-flash",
    );
  });

  it("refuses on the day, before anything is written, unless --allow-retired", async () => {
    const { code, err, root } = await run(definition, argv, "2026-12-01");
    expect(code).toBe(2);
    expect(err).toContain(
      "error: model: gemini-2.5-pro was shut down on 2026-12-01; Google routes its requests to gemini-3.8-flash",
    );
    expect(existsSync(path.join(root, "batch_submission_state.json"))).toBe(false);
    expect(existsSync(path.join(root, "tmp")) && existsSync(path.join(root, "tmp", "gembatch_cost_ledger.jsonl"))).toBe(
      false,
    );
    const allowed = await run(definition, [...argv, "--allow-retired"], "2026-12-01");
    expect(allowed.err).toContain("(sent anyway: --allow-retired)");
    expect(allowed.err).not.toContain("error: model:");
  });
});
