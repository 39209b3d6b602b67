import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { alive } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { answer, exampleProject, goodFix, read, write } from "../test/helpers/example.js";
import { applyOptions, emulatorDeps, useEmulator } from "../test/helpers/harness.js";
import { sendAndExtract } from "../test/helpers/run.js";
import { runApply } from "./run-apply.js";

const PAYMENTS = "orders/payments.py";

/** Verify that hangs once the fix is on disk while SLOW exists, and says so (its pid in VERIFY_STARTED). */
const SLOW_VERIFY = `import os, pathlib, sys, time
if pathlib.Path("SLOW").exists() and "logger.bind" not in pathlib.Path(sys.argv[1]).read_text():
    pathlib.Path("VERIFY_STARTED").write_text(str(os.getpid()))
    time.sleep(60)
`;

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 1500 && !existsSync(file); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!existsSync(file)) throw new Error(`${file} never appeared`);
}

async function slowProject() {
  const root = exampleProject();
  write(root, "slow_verify.py", SLOW_VERIFY);
  write(root, "SLOW", "");
  const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
  const { runDir } = await sendAndExtract(root, emu, [PAYMENTS]);
  return { root, emu, runDir, original: readFileSync(path.join(root, PAYMENTS)) };
}

const verify = ["python3 slow_verify.py {file}"];

describe("interruption", () => {
  it("Ctrl-C during verify kills the check, puts the original back, saves the state; a resume finishes without asking again", async () => {
    const { root, emu, runDir, original } = await slowProject();
    const controller = new AbortController();
    const pending = runApply(
      applyOptions(root, { runDir, verify }),
      emulatorDeps(emu, { signal: controller.signal, killGraceMs: 200 }),
    );
    await waitForFile(path.join(root, "VERIFY_STARTED"));
    const verifyPid = Number(read(root, "VERIFY_STARTED"));
    expect(read(root, PAYMENTS)).not.toContain("logger.bind");
    controller.abort();
    const stopped = await pending;
    expect(stopped).toMatchObject({ stopped: "interrupted", success: false });
    expect(readFileSync(path.join(root, PAYMENTS)).equals(original)).toBe(true);
    for (let i = 0; i < 100 && alive(verifyPid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(verifyPid)).toBe(false);
    const state = JSON.parse(read(root, `${runDir}/apply_state.json`)) as { files: unknown[] };
    expect(state).toMatchObject({ finished: false, stopped: "interrupted" });
    expect(state.files[0]).toMatchObject({ path: PAYMENTS, status: "pending", phase: "pending", attempt: 1 });

    rmSync(path.join(root, "SLOW"));
    const resumed = await runApply(applyOptions(root, { runDir, verify, resume: true }), emulatorDeps(emu));
    expect(resumed).toMatchObject({ success: true, files_fixed: 1 });
    expect(read(root, PAYMENTS)).not.toContain("logger.bind");
    expect(emu.record.counts.generateContent).toBe(1);
  });

  it("a process killed outright during verify leaves the fix unconfirmed; the resume puts the original back first", async () => {
    const { root, emu, runDir, original } = await slowProject();
    const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const options = applyOptions(root, { runDir, verify });
    const child = execa(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { runApply } = await import(${JSON.stringify(dist)}); await runApply(${JSON.stringify(options)});`,
      ],
      { reject: false },
    );
    await waitForFile(path.join(root, "VERIFY_STARTED"));
    child.kill("SIGKILL");
    await child;
    // Nothing was left to stop the check the dead process started.
    process.kill(Number(read(root, "VERIFY_STARTED")), "SIGKILL");
    expect(readFileSync(path.join(root, PAYMENTS)).equals(original)).toBe(false);
    expect((JSON.parse(read(root, `${runDir}/apply_state.json`)) as { files: unknown[] }).files[0]).toMatchObject({
      phase: "written",
    });

    const infos: string[] = [];
    rmSync(path.join(root, "SLOW"));
    write(root, "slow_verify.py", "import sys\nsys.exit(0)\n");
    const resumed = await runApply(
      applyOptions(root, { runDir, verify, resume: true }),
      emulatorDeps(emu, { info: (m) => void infos.push(m) }),
    );
    // The project's edit journal puts the original back when the run takes the project lock, before any file is
    // touched.
    expect(resumed.warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${PAYMENTS}: put the original back: a run that died \\(pid \\d+\\) had left an unverified fix on disk$`,
        ),
      ),
    );
    expect(infos.findIndex((m) => m.startsWith(`${PAYMENTS}: fixed`))).toBeGreaterThanOrEqual(0);
    expect(resumed).toMatchObject({ success: true, files_fixed: 1 });
    expect(read(root, PAYMENTS)).not.toContain("logger.bind");
  });

  it("a second apply on the same run needs --resume", async () => {
    const { root, emu, runDir } = await slowProject();
    rmSync(path.join(root, "SLOW"));
    await runApply(applyOptions(root, { runDir, verify }), emulatorDeps(emu));
    await expect(runApply(applyOptions(root, { runDir, verify }), emulatorDeps(emu))).rejects.toMatchObject({
      code: "BAD_INPUT",
      message: `run_dir: ${runDir} already has an apply run (apply_state.json)`,
    });
  });
});
