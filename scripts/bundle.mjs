// Bundles each bin's dist entry into bin-local chunks (dynamic imports stay lazy chunks). Node 20 has
// no compile cache, and resolving hundreds of small ESM files (zod, commander, our packages) was most
// of a command's start-up time. tsc stays the compiler; this only packs its output.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const bins = [
  { pkg: "packages/cli", entry: "dist/main.js" },
  { pkg: "packages/emulator", entry: "dist/main.js" },
];
for (const { pkg, entry } of bins) {
  const entryFile = path.join(pkg, entry);
  if (!existsSync(entryFile)) continue;
  rmSync(path.join(pkg, "bundle"), { recursive: true, force: true });
  await build({
    entryPoints: [entryFile],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir: path.join(pkg, "bundle"),
    chunkNames: "chunks/[name]-[hash]",
    // The SDK is loaded only by commands that call the API; it stays a normal dependency.
    external: ["@google/genai"],
    // CommonJS dependencies bundled into ESM still expect require, __filename and __dirname.
    banner: {
      js: [
        "import { createRequire as __gbCreateRequire } from 'node:module';",
        "import { fileURLToPath as __gbFileURLToPath } from 'node:url';",
        "import { dirname as __gbDirname } from 'node:path';",
        "const require = __gbCreateRequire(import.meta.url);",
        "const __filename = __gbFileURLToPath(import.meta.url);",
        "const __dirname = __gbDirname(__filename);",
      ].join(" "),
    },
    logLevel: "warning",
  });
}
