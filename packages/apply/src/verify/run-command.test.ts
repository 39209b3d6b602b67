import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { alive, tempTree, waitFor } from "@gembatch/test-utils";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { runCommand } from "./run-command.js";

describe("runCommand", () => {
  it("runs without the API keys in its environment (it runs code the model wrote) and with GEMBATCH_FILE", async () => {
    const saved = { gemini: process.env.GEMINI_API_KEY, google: process.env.GOOGLE_API_KEY };
    process.env.GEMINI_API_KEY = "verify-env-key-123456";
    process.env.GOOGLE_API_KEY = "verify-env-key-654321";
    try {
      const run = await runCommand({
        command: 'echo "[${GEMINI_API_KEY:-none}] [${GOOGLE_API_KEY:-none}] [$GEMBATCH_FILE] [${HOME:+home}]"',
        file: "a.py",
        cwd: tempTree(),
        timeoutMs: 10_000,
      });
      expect(run.output.trim()).toBe("[none] [none] [a.py] [home]");
    } finally {
      for (const [name, value] of [
        ["GEMINI_API_KEY", saved.gemini],
        ["GOOGLE_API_KEY", saved.google],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("asks runners for plain output (CI, NO_COLOR, …) unless the user set their own, and strips colour codes from what it captures", async () => {
    onTestFinished(() => void vi.unstubAllEnvs());
    for (const name of ["CI", "NO_COLOR", "PY_COLORS", "CARGO_TERM_COLOR"]) vi.stubEnv(name, undefined);
    vi.stubEnv("FORCE_COLOR", "3");
    const run = await runCommand({
      command: `echo "[$CI] [$NO_COLOR] [$PY_COLORS] [$CARGO_TERM_COLOR] [$FORCE_COLOR]"; printf '\\033[31mred\\033[0m \\033[1;32m✓\\033[22m done\\n'; printf 'progress 10%%\\rprogress 100%%\\n'`,
      file: "a.py",
      cwd: tempTree(),
      timeoutMs: 10_000,
    });
    expect(run.output).toBe("[1] [1] [0] [never] [3]\nred ✓ done\nprogress 100%\n");
  });

  it("captures stdout and stderr interleaved, the exit code, and fills in {file}", async () => {
    const dir = tempTree({ "a b.py": "import sys\nprint('out'); print('err', file=sys.stderr); sys.exit(3)\n" });
    const run = await runCommand({ command: "python3 {file}", file: "a b.py", cwd: dir, timeoutMs: 30_000 });
    expect(run).toMatchObject({
      command: "python3 'a b.py'",
      exit_code: 3,
      passed: false,
      timed_out: false,
      interrupted: false,
    });
    expect(run.output).toContain("out\n");
    expect(run.output).toContain("err\n");
  });

  it("reports a program that does not exist as a failed run, not a thrown error", async () => {
    const run = await runCommand({
      command: "no-such-program-gembatch {file}",
      file: "a.py",
      cwd: tempTree(),
      timeoutMs: 5_000,
    });
    expect(run.passed).toBe(false);
    expect(run.output).toMatch(/ENOENT|not found/);
  });

  it("kills the whole process group on timeout, including what a shell started", async () => {
    const dir = tempTree();
    const started = Date.now();
    const run = await runCommand({
      command: "sleep 30 & echo $! > child.pid; wait",
      file: "x",
      cwd: dir,
      timeoutMs: 300,
      killGraceMs: 200,
    });
    expect(run).toMatchObject({ timed_out: true, passed: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    const child = Number(readFileSync(path.join(dir, "child.pid"), "utf8"));
    await waitFor(() => !alive(child));
  });

  it("stops at once when the run is interrupted", async () => {
    const dir = tempTree();
    const controller = new AbortController();
    const pending = runCommand({
      command: "echo started > started; sleep 30",
      file: "x",
      cwd: dir,
      timeoutMs: 60_000,
      signal: controller.signal,
      killGraceMs: 200,
    });
    await waitFor(() => existsSync(path.join(dir, "started")));
    controller.abort();
    const run = await pending;
    expect(run).toMatchObject({ interrupted: true, passed: false, timed_out: false });
    expect(run.duration_ms).toBeLessThan(10_000);
  });
});
