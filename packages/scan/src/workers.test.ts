import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tempTree, type Tree } from "@gembatch/test-utils";
import type * as Scan from "./index.js";

// Worker threads run the built worker.js, so this compares the built scanner's two modes.
const dist = new URL("../dist/index.js", import.meta.url);
const built = existsSync(dist);

if (!built) throw new Error("packages/scan/dist is missing: run the build (pnpm build) first");

/** Enough files that each of three workers sends more than one batch of 500. */
const N = 800;

describe("worker threads (built package)", () => {
  it("find exactly what a single thread finds, skipped files included, across several result batches per worker", async () => {
    const scan = (await import(dist.href)) as typeof Scan;
    const files: Tree = {};
    for (let i = 0; i < N; i++) {
      files[`pkg${i % 7}/mod_${i}.py`] =
        `import time\n\nasync def run_${i}():\n    time.sleep(${i})\n\ntry:\n    x = ${i}\nexcept:\n    pass  # TODO ${i}\n`;
      files[`web/c${i}.ts`] = i % 3 === 0 ? `console.log(${i});\n` : `export const v${i} = ${i};\n`;
    }
    files["pkg0/blob.py"] = Buffer.from([1, 0, 2]);
    const dir = tempTree(files);
    const rules = scan.parseBuiltinRules().map(scan.compileRule);
    const single = await scan.runScan({ root: dir, rules, workers: 1 });
    const threaded = await scan.runScan({ root: dir, rules, workers: 3 });
    expect(threaded.workers).toBe(3);
    expect(single.workers).toBe(1);
    expect(threaded.findings).toEqual(single.findings);
    expect(threaded.skipped).toEqual(single.skipped);
    expect(single.findings.length).toBe(N * 3 + Math.ceil(N / 3));
    expect(threaded.files_scanned).toBe(single.files_scanned);
  });
});
