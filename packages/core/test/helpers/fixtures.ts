import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

/** A fresh temporary directory removed when the test finishes. */
export function tempDir(prefix = "gembatch-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The built core, for child processes (Node 20 cannot import .ts). */
export function builtCore(): string {
  const file = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
  if (!existsSync(file)) throw new Error("packages/core/dist is missing: run the build (pnpm build) before the tests");
  return file;
}
