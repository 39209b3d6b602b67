import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "@gembatch/core";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

interface PatchStats {
  added: number;
  removed: number;
}

/** A `git apply`-able unified diff of one file, `a/<path>` → `b/<path>`. */
export function unifiedDiff(file: string, original: string, fixed: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, original, fixed, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

export function patchStats(patch: string): PatchStats {
  let added = 0;
  let removed = 0;
  for (const line of patch.split("\n")) {
    if (line.startsWith("+++") || line.startsWith("---")) continue;
    if (line.startsWith("+")) added++;
    else if (line.startsWith("-")) removed++;
  }
  return { added, removed };
}

export async function writePatch(file: string, patch: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, patch);
}

/** The patch for a person or a prompt: whole when short, else its head with a pointer to the file. */
export function clipPatch(patch: string, maxLines: number, where: string): string {
  const lines = patch.replace(/\n$/, "").split("\n");
  if (lines.length <= maxLines) return lines.join("\n");
  return [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more line(s) in ${where}`].join("\n");
}
