// Bundles each bin's dist entry into bin-local chunks (dynamic imports stay lazy chunks). Node 20 has
// no compile cache, and resolving hundreds of small ESM files (zod, commander, our packages) was most
// of a command's start-up time. tsc stays the compiler; this only packs its output.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

// The MCP SDK's server checks elicitation replies with Ajv, which `gembatch mcp` never asks for; loading
// Ajv (about 280 KB) on every start was a fifth of the server's start-up. This stands in for the SDK's
// provider in the bundle only, and fails loudly if a validator is ever asked for.
const noAjv = {
  name: "mcp-sdk-without-ajv",
  setup(build) {
    build.onResolve({ filter: /[\\/]validation[\\/]ajv-provider\.js$/ }, (args) =>
      /@modelcontextprotocol[\\/]sdk[\\/]/.test(args.importer)
        ? { path: "ajv-provider", namespace: "mcp-sdk-without-ajv" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "mcp-sdk-without-ajv" }, () => ({
      contents:
        "export class AjvJsonSchemaValidator { getValidator() { throw new Error('gembatch mcp validates no JSON Schema at run time (Ajv is not bundled)'); } }",
    }));
  },
};

// zod's namespace export carries every locale's error messages (about 370 KB, half of zod in a bundle);
// gembatch speaks English only, and parsing them slowed every command's start. `z.locales` keeps `en`.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic[\\/]external|mini[\\/]external|core[\\/]index)\.js$/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), "..", "locales", "en.js"), namespace: "zod-english-only" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

// The scanner's worker thread is an entry of its own: an installed tarball has no @gembatch/scan to
// find it in, and the scanner looks for it next to the bundle (`bundle/scan-worker.js`).
const bins = [{ pkg: "packages/cli", entry: "dist/main.js", extra: { "scan-worker": "packages/scan/dist/worker.js" } }];
for (const { pkg, entry, extra = {} } of bins) {
  const entryFile = path.join(pkg, entry);
  if (!existsSync(entryFile)) continue;
  const outdir = path.join(pkg, "bundle");
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = await build({
    entryPoints: [{ in: entryFile, out: "main" }, ...Object.entries(extra).map(([out, file]) => ({ in: file, out }))],
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
    plugins: [noAjv, zodEnglishOnly],
    metafile: true,
    logLevel: "warning",
  });
  // The bin runs the bundle only while it is newer than each of our files it was built from (relative to
  // bundle/main.js); dependencies in node_modules change only with an install, which rebuilds it.
  const builtFrom = Object.keys(metafile.inputs)
    .filter((input) => !input.includes(":") && !input.split(/[\\/]/).includes("node_modules"))
    .map((input) => path.relative(outdir, input).split(path.sep).join("/"))
    .sort();
  writeFileSync(path.join(outdir, "built-from.json"), `${JSON.stringify(builtFrom, null, 1)}\n`);
}
