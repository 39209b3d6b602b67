import type { Emulator } from "@gembatch/emulator";
import { gembatch as spawnBin, requireBuiltBin } from "@gembatch/test-utils";
import { API_KEY, MODEL } from "./helpers/example.js";

await requireBuiltBin(["apply", "scan-and-fix"]);

/** The built bin against `emu` (none: an address nothing answers on), with apply's key and model. */
export function gembatch(
  cwd: string,
  args: string[],
  options: { emu: Emulator | null; env?: Record<string, string> },
): ReturnType<typeof spawnBin> {
  return spawnBin(cwd, args, {
    GEMINI_API_KEY: API_KEY,
    GEMBATCH_BASE_URL: options.emu?.url ?? "http://127.0.0.1:9",
    GEMBATCH_MODEL: MODEL,
    ...options.env,
  });
}

/** What a command prints with `--json` when it fails. */
export interface ErrorDoc {
  success: false;
  error: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

/** A command's `--json` document, as the type the command's result has (or `ErrorDoc`). */
export function parse<T = unknown>(stdout: string): T {
  return JSON.parse(stdout) as T;
}
