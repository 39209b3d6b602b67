import type { Emulator } from "@gembatch/emulator";
import { gembatch as spawnBin, requireBuiltBin } from "@gembatch/test-utils";
import type { ResultPromise } from "execa";
import { API_KEY, MODEL } from "./helpers/example.js";

await requireBuiltBin(["apply", "scan-and-fix"]);

/** The built bin against `emu` (none: an address nothing answers on), with apply's key and model. */
export function gembatch(
  cwd: string,
  args: string[],
  options: { emu: Emulator | null; env?: Record<string, string> },
): ResultPromise<{ reject: false }> {
  return spawnBin(cwd, args, {
    GEMINI_API_KEY: API_KEY,
    GEMBATCH_BASE_URL: options.emu?.url ?? "http://127.0.0.1:9",
    GEMBATCH_MODEL: MODEL,
    ...options.env,
  });
}

export function parse<T = any>(stdout: string): T {
  return JSON.parse(stdout) as T;
}
