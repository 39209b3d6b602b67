import path from "node:path";
import { createGeminiClient, createManualClock, resolveGenerationSettings } from "@gembatch/core";
import { startEmulator, type Emulator, type EmulatorOptions } from "@gembatch/emulator";
import { onTestFinished } from "vitest";
import type { ApplyOptions } from "../../src/run-apply.js";
import type { ScanAndFixOptions } from "../../src/scan-and-fix/types.js";
import type { ApplyDeps } from "../../src/types.js";
import { API_KEY, ESCALATION_MODEL, MODEL, read } from "./example.js";

export async function useEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ apiKey: API_KEY, ...options });
  onTestFinished(() => emu.close());
  return emu;
}

/** Library deps talking to the emulator with the real SDK; a manual clock so retry waits take no time. */
export function emulatorDeps(emu: Emulator, extra: Partial<ApplyDeps> = {}): ApplyDeps & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    createClient: () => createGeminiClient({ apiKey: API_KEY, baseUrl: emu.url }),
    clock: createManualClock(Date.now()),
    warn: (message) => void warnings.push(message),
    warnings,
    ...extra,
  };
}

function scanSection(root: string): unknown {
  return (JSON.parse(read(root, "gembatch.config.json")) as { scan?: unknown }).scan;
}

export function fixOptions(root: string, overrides: Partial<ScanAndFixOptions> = {}): ScanAndFixOptions {
  return {
    cwd: root,
    projectRoot: root,
    tmpDir: path.join(root, "tmp"),
    rules: ["logger-bind"],
    scanConfig: scanSection(root),
    verify: ["python3 -m unittest"],
    verifyTimeoutMs: 60_000,
    maxAttempts: 2,
    shard: null,
    dryRun: false,
    resume: false,
    escalate: false,
    escalationModel: ESCALATION_MODEL,
    commit: false,
    allowDirty: false,
    settings: resolveGenerationSettings({ max_tokens: 8192 }, { model: MODEL }),
    ...overrides,
  };
}

export function applyOptions(root: string, overrides: Partial<ApplyOptions> = {}): ApplyOptions {
  return {
    cwd: root,
    projectRoot: root,
    tmpDir: path.join(root, "tmp"),
    verify: ["python3 -m unittest"],
    verifyTimeoutMs: 60_000,
    scanConfig: scanSection(root),
    maxAttempts: 2,
    diffOnly: false,
    resume: false,
    escalate: false,
    escalationModel: ESCALATION_MODEL,
    commit: false,
    allowDirty: false,
    settings: resolveGenerationSettings({ max_tokens: 8192 }, { model: MODEL }),
    ...overrides,
  };
}
