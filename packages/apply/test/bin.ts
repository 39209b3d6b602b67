import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Emulator } from "@gembatch/emulator";
import { execa } from "execa";
import { API_KEY, MODEL } from "../src/test-helpers/example.js";

/** The umbrella bin, as a developer or CI runs it (GEMBATCH_E2E_BIN: another bin to test instead). */
export const BIN = process.env.GEMBATCH_E2E_BIN ?? fileURLToPath(new URL("../../cli/bin/gembatch.js", import.meta.url));

async function lists(commands: string[]): Promise<boolean> {
  if (!existsSync(BIN)) return false;
  const help = await execa(process.execPath, [BIN, "--help"], { reject: false });
  return commands.every((name) => new RegExp(`^\\s+${name}\\b`, "m").test(help.stdout));
}

if (!(await lists(["apply", "scan-and-fix"])))
  throw new Error("the built gembatch bin does not list apply and scan-and-fix: run the build (pnpm build) first");

export function env(emu: Emulator | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GEMINI_API_KEY: API_KEY,
    GOOGLE_API_KEY: "",
    GEMBATCH_BASE_URL: emu?.url ?? "http://127.0.0.1:9",
    GEMBATCH_MODEL: MODEL,
    GEMBATCH_DEBUG: "",
    GITHUB_STEP_SUMMARY: "",
    CI: "1",
    ...extra,
  };
}

export function gembatch(cwd: string, args: string[], options: { emu: Emulator | null; env?: Record<string, string> }) {
  return execa(process.execPath, [BIN, ...args], {
    cwd,
    reject: false,
    env: env(options.emu, options.env),
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
