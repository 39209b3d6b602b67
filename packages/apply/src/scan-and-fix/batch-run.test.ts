import { createGeminiClient } from "@gembatch/core";
import { createBatchApi } from "@gembatch/submit";
import type { Emulator } from "@gembatch/emulator";
import { describe, expect, it } from "vitest";
import { answer, API_KEY, exampleProject, goodFix, LOGGER_BIND_FILES, read } from "../../test/helpers/example.js";
import { emulatorDeps, fixOptions, useEmulator } from "../../test/helpers/harness.js";
import { runScanAndFix } from "./run-scan-and-fix.js";

const batchApi = (emu: Emulator) =>
  createBatchApi(() => createGeminiClient({ apiKey: API_KEY, baseUrl: emu.url }), {
    baseUrl: emu.url,
    apiKey: () => API_KEY,
  });

describe("scan-and-fix --via batch (library, emulator)", () => {
  it("a create the server carried out but answered 503 is adopted, never made twice; --wait then applies the results", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      batch: { pendingMs: 0, runningMs: 0 },
      script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))),
      faults: [{ route: "batches.create", sequence: [{ kind: "503", after: true }] }],
    });
    const result = await runScanAndFix(fixOptions(root, { via: "batch", wait: true, pollIntervalMs: 10 }), {
      ...emulatorDeps(emu),
      batchApi: batchApi(emu),
    });
    // The create answered 503 after making the job; the retry looked the display name up and adopted it.
    expect(emu.record.faults).toHaveLength(1);
    expect(emu.record.counts["batches.create"]).toBe(1);
    expect(emu.record.counts["batches.list"]).toBeGreaterThanOrEqual(1);
    expect(emu.record.batches).toHaveLength(1);
    expect(result).toMatchObject({ success: true, files_fixed: 3 });
    expect(result.batch!.jobs).toEqual([
      expect.objectContaining({ job_name: emu.record.batches[0]!.name, state: "SUCCEEDED" }) as unknown,
    ]);
    for (const f of LOGGER_BIND_FILES) expect(read(root, f)).toBe(goodFix(exampleProject(), f));
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
  });

  it("a file two rules flag is batched for the first rule only (its second request would be refused after the first fix), and listed", async () => {
    const root = exampleProject();
    const file = "orders/notifications.py";
    const emu = await useEmulator({
      batch: { pendingMs: 0, runningMs: 0 },
      script: [answer(file, goodFix(root, file))],
    });
    const deps = { ...emulatorDeps(emu), batchApi: batchApi(emu) };
    const result = await runScanAndFix(
      fixOptions(root, {
        paths: [file],
        rules: ["logger-bind", "debug-print"],
        via: "batch",
        wait: true,
        pollIntervalMs: 10,
      }),
      deps,
    );
    expect(emu.record.batches.map((b) => b.requestCount)).toEqual([1]);
    expect(result.batch!.deferred).toEqual({ [file]: "debug-print" });
    expect(deps.warnings).toContain(
      `${file}: flagged by logger-bind and debug-print; batched for logger-bind only (run scan-and-fix again for debug-print)`,
    );
    expect(read(root, file)).toBe(goodFix(exampleProject(), file));
  });

  it("max_cost is checked on the whole batch before anything is uploaded (a job is paid whole); a --resume with room submits it", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      batch: { pendingMs: 0, runningMs: 0 },
      script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))),
    });
    const deps = { ...emulatorDeps(emu), batchApi: batchApi(emu) };
    const stopped = await runScanAndFix(fixOptions(root, { via: "batch", maxCost: 0.0001 }), deps);
    expect(stopped).toMatchObject({ stopped: "budget", success: false, files_fixed: 0 });
    expect(
      deps.warnings.some((w) =>
        /the batch's worst case \(\$[\d.]+: every reply at max_tokens, batch rates\) is above what max_cost leaves \(\$0.0001\); nothing submitted/.test(
          w,
        ),
      ),
    ).toBe(true);
    expect(emu.record.counts["files.upload"] ?? 0).toBe(0);
    expect(emu.record.batches).toHaveLength(0);
    const resumed = await runScanAndFix(
      fixOptions(root, { resume: true, outputDir: stopped.output_dir, wait: true, pollIntervalMs: 10 }),
      deps,
    );
    expect(resumed).toMatchObject({ success: true, files_fixed: 3 });
    expect(emu.record.batches).toHaveLength(1);
  });

  it("a batch whose create fails past the retries: exit 3 (api_error), not pending; a --resume creates it then", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      batch: { pendingMs: 0, runningMs: 0 },
      script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))),
      faults: [{ route: "batches.create", kind: "500", times: 6 }],
    });
    const deps = { ...emulatorDeps(emu), batchApi: batchApi(emu) };
    const failed = await runScanAndFix(fixOptions(root, { via: "batch" }), deps);
    expect(failed).toMatchObject({ stopped: "api_error", success: false, files_fixed: 0 });
    expect(failed.batch!.jobs).toEqual([
      expect.objectContaining({ batch: 1, job_name: null, state: "FAILED_TO_CREATE" }) as unknown,
    ]);
    expect(
      deps.warnings.some((w) =>
        /^batch 1 \(batch_0001\.jsonl\) was not created: .*; a --resume tries it again$/.test(w),
      ),
    ).toBe(true);
    expect(emu.record.batches).toHaveLength(0);
    const resumed = await runScanAndFix(
      fixOptions(root, { resume: true, outputDir: failed.output_dir, wait: true, pollIntervalMs: 10 }),
      deps,
    );
    expect(resumed).toMatchObject({ success: true, files_fixed: 3 });
    expect(emu.record.batches).toHaveLength(1);
  });
});
