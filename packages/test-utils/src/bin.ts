import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa, type Options, type ResultPromise } from "execa";
import { onTestFinished } from "vitest";

/** The built umbrella bin, as a developer or CI runs it (GEMBATCH_E2E_BIN: another bin to test instead). */
export const BIN = process.env.GEMBATCH_E2E_BIN ?? fileURLToPath(new URL("../../cli/bin/gembatch.js", import.meta.url));

/** What the bin runs; without it the bin cannot start. */
const BUILT = process.env.GEMBATCH_E2E_BIN ?? fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));

/**
 * Settings a developer's shell may hold, cleared so a spawned bin sees only what the test gives it; CI as
 * in a pipeline (the bin's stderr is a pipe here, so it changes nothing but says how the bin is run).
 */
const BASE_ENV: Record<string, string> = {
  CI: "1",
  GEMINI_API_KEY: "",
  GOOGLE_API_KEY: "",
  GEMBATCH_BASE_URL: "",
  GEMBATCH_MODEL: "",
  GEMBATCH_DEBUG: "",
  GITHUB_STEP_SUMMARY: "",
};

/** The environment of a spawned bin: the process's own, with gembatch's settings cleared, then `extra`. */
export function binEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...BASE_ENV, ...extra };
}

/** Throws unless the built bin exists and its --help lists `commands`: an unbuilt tree fails with how to fix it. */
export async function requireBuiltBin(commands: string[] = []): Promise<void> {
  const help = existsSync(BUILT) ? await execa(process.execPath, [BIN, "--help"], { reject: false }) : null;
  const listed = help !== null && commands.every((name) => new RegExp(`^\\s+${name}\\b`, "m").test(help.stdout));
  if (!listed)
    throw new Error(
      `the built gembatch bin is missing${commands.length ? ` or does not list ${commands.join(", ")}` : ""}: run the build (pnpm build) first`,
    );
}

/** `gembatch …args` as a subprocess in `cwd`; never rejects, the test reads the exit code. */
export function gembatch(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
  options: Omit<Options, "cwd" | "env" | "reject"> = {},
) {
  if (!existsSync(BUILT)) throw new Error("packages/cli/dist is missing: run the build (pnpm build) first");
  // Typed by `reject: false` alone: with exactOptionalPropertyTypes, execa's result types do not assign to one
  // another (not even to themselves once written out), so the type is inferred here, never annotated.
  const spawnOptions = { ...options, cwd, reject: false as const, env: binEnv(env) };
  return execa<{ reject: false }>(process.execPath, [BIN, ...args], spawnOptions);
}

/** The URL a `gembatch emulator` subprocess prints first; the subprocess is stopped when the test ends. */
export function servedUrl(child: Pick<ResultPromise, "kill" | "stdout">): Promise<string> {
  onTestFinished(() => void child.kill("SIGTERM"));
  return new Promise<string>((resolve) =>
    child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim().split("\n")[0]!)),
  );
}
