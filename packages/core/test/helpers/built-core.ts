import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built core, for child processes (Node 20 cannot import .ts). */
export function builtCore(): string {
  const file = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
  if (!existsSync(file)) throw new Error("packages/core/dist is missing: run the build (pnpm build) before the tests");
  return file;
}
