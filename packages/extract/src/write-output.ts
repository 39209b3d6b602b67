import { mkdir, realpath } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "@gembatch/core";
import { isInside } from "./paths.js";

interface TreeWriter {
  write(relative: string, content: string): Promise<void>;
}

/**
 * Writes files under `root` with core's atomic write, so a reader never sees half a file.
 * Each parent directory is checked once after it exists: a symlinked directory inside a reused output
 * dir must not carry a write elsewhere.
 */
export function createTreeWriter(root: string): TreeWriter {
  let realRoot: Promise<string> | undefined;
  const checked = new Map<string, Promise<void>>();
  const checkDir = (dir: string, relative: string) => {
    let verdict = checked.get(dir);
    if (!verdict) {
      verdict = (async () => {
        await mkdir(dir, { recursive: true });
        realRoot ??= realpath(root);
        if (!isInside(await realRoot, await realpath(dir)))
          throw new Error(`${path.dirname(relative)} leads outside the output directory`);
      })();
      checked.set(dir, verdict);
    }
    return verdict;
  };
  return {
    async write(relative, content) {
      const target = path.join(root, relative);
      const dir = path.dirname(target);
      await checkDir(dir, relative);
      // Bytes, so the extracted file is written exactly as the model gave it (text would be scrubbed).
      await writeFileAtomically(target, Buffer.from(content));
    },
  };
}
