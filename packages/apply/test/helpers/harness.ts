import { createGeminiClient, createManualClock, resolveGenerationSettings } from "@gembatch/core";
import type { Emulator, EmulatorOptions } from "@gembatch/emulator";
import { runDefaults, scanAndFixDefaults, useEmulator as startTestEmulator } from "@gembatch/test-utils";
import type { ApplyOptions } from "../../src/run-apply.js";
import type { ScanAndFixOptions } from "../../src/scan-and-fix/types.js";
import type { ApplyDeps } from "../../src/types.js";
import { API_KEY, ESCALATION_MODEL, MODEL, read } from "./example.js";

export const useEmulator = (options: EmulatorOptions = {}): Promise<Emulator> =>
  startTestEmulator({ apiKey: API_KEY, ...options });

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

/** What apply and scan-and-fix runs on the example share: its unit tests as the verify command, two attempts. */
function exampleRun(root: string) {
  return {
    ...runDefaults(root),
    verify: ["python3 -m unittest"],
    scanConfig: scanSection(root),
    escalationModel: ESCALATION_MODEL,
    settings: resolveGenerationSettings({ max_tokens: 8192 }, { model: MODEL }),
  };
}

export function fixOptions(root: string, overrides: Partial<ScanAndFixOptions> = {}): ScanAndFixOptions {
  return { ...exampleRun(root), ...scanAndFixDefaults(root), ...overrides };
}

export function applyOptions(root: string, overrides: Partial<ApplyOptions> = {}): ApplyOptions {
  return { ...exampleRun(root), diffOnly: false, ...overrides };
}
