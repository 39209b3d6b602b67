import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveGenerationSettings } from "@gembatch/core";
import { runScan, runScanCommand, type RunScanOptions, type ScanRun } from "@gembatch/scan";
import { tempTree } from "@gembatch/test-utils";
import { makePlan } from "./plan.js";
import type { ScanAndFixOptions } from "./types.js";

/** Runs the real scanner and keeps what it was asked for, but the parts each caller owns. */
function recordingScanner() {
  const calls: Array<Omit<RunScanOptions, "rules" | "signal">> = [];
  const scan = (options: RunScanOptions): Promise<ScanRun> => {
    const { rules: _rules, signal: _signal, ...rest } = options;
    calls.push(rest);
    return runScan(options);
  };
  return { calls, scan };
}

const config = {
  scan: {
    rules: [{ id: "todo-marker", pattern: "TODO", message: "a TODO left in", severity: "warning" }],
    default_excludes: false,
    workers: 3,
    context_lines: 1,
    exclude: ["vendor/**"],
  },
};

function project(): string {
  return tempTree({
    "gembatch.config.json": JSON.stringify(config),
    "src/a.py": "x = 1  # TODO\n",
    "vendor/b.py": "# TODO\n",
    // gembatch's own copies of project files: neither command scans them, even with the default excludes off.
    "tmp/old_run/a.py": "# TODO\n",
  });
}

function fixOptions(root: string): ScanAndFixOptions {
  return {
    cwd: root,
    projectRoot: root,
    tmpDir: path.join(root, "tmp"),
    rules: ["todo-marker"],
    scanConfig: config.scan,
    configFile: path.join(root, "gembatch.config.json"),
    configLabel: "gembatch.config.json",
    verify: [],
    verifyTimeoutMs: 1000,
    maxAttempts: 2,
    shard: null,
    dryRun: true,
    resume: false,
    escalate: false,
    escalationModel: "gemini-pro-latest",
    commit: false,
    allowDirty: false,
    settings: resolveGenerationSettings({}, { model: "gemini-flash-latest" }),
  };
}

describe("scan-and-fix's plan", () => {
  it("scans with the options `gembatch scan` uses for the same config (workers, tmp dir, config file)", async () => {
    const root = project();
    const scan = recordingScanner();
    const scanResult = await runScanCommand(
      {
        input: { rules: ["todo-marker"] },
        cwd: root,
        projectRoot: root,
        tmpDir: path.join(root, "tmp"),
        configFile: path.join(root, "gembatch.config.json"),
        scanConfig: config.scan,
      },
      { warn: () => undefined, scan: scan.scan },
    );
    const fix = recordingScanner();
    const plan = await makePlan(fixOptions(root), { scan: fix.scan });

    expect(fix.calls).toEqual(scan.calls);
    expect(fix.calls[0]).toMatchObject({ workers: 3, defaultExcludes: false, skipFiles: ["gembatch.config.json"] });
    expect("findings" in scanResult && scanResult.findings.map((f) => f.file)).toEqual(plan.filesFound);
    expect(plan.filesFound).toEqual(["src/a.py"]);
  });

  it("names a config path outside the project as scan does", async () => {
    const root = project();
    const options = { ...fixOptions(root), scanConfig: { ...config.scan, paths: ["../elsewhere"] } };
    await expect(makePlan(options)).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      message: "gembatch.config.json: scan.paths[0]: outside the project root: ../elsewhere",
    });
  });
});
