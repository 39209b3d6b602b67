// Packs the CLI as one self-contained tarball for users' projects: the bundled bin (every workspace
// package is inside the bundle) plus the few dependencies the bundle leaves external. Run after the
// build: `node scripts/pack.mjs [--out-dir <dir>]`; prints the tarball's path.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cliDir = path.join(repo, "packages", "cli");
const bundleDir = path.join(cliDir, "bundle");
const outFlag = process.argv.indexOf("--out-dir");
const outDir = path.resolve(outFlag > 0 ? process.argv[outFlag + 1] : repo);

function fail(message) {
  process.stderr.write(`pack: ${message}\n`);
  process.exit(2);
}

if (!existsSync(path.join(bundleDir, "main.js")))
  fail("packages/cli/bundle/main.js is missing: run the build first (pnpm build)");
const cli = JSON.parse(readFileSync(path.join(cliDir, "package.json"), "utf8"));

function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

// Every bare specifier the bundle still loads at run time must become a real dependency.
const builtins = new Set(builtinModules);
const external = new Set();
const bareImport =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']((?:@[a-z0-9~-][\w.~-]*\/)?[a-z0-9~-][\w.~-]*(?:\/[\w.~/-]*)?)["']/g;
function collect(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(file);
    else if (entry.name.endsWith(".js")) {
      for (const match of readFileSync(file, "utf8").matchAll(bareImport)) {
        const name = packageName(match[1]);
        if (!name.startsWith("node:") && !builtins.has(name)) external.add(name);
      }
    }
  }
}
collect(bundleDir);

function installedVersion(name) {
  const manifest = path.join(cliDir, "node_modules", name, "package.json");
  if (!existsSync(manifest))
    fail(`the bundle loads ${name}, which packages/cli does not depend on: add it to packages/cli/package.json`);
  return JSON.parse(readFileSync(manifest, "utf8")).version;
}

const dependencies = {};
for (const name of [...external].sort()) {
  if (String(cli.dependencies?.[name] ?? "").startsWith("workspace:"))
    fail(`the bundle loads the workspace package ${name} instead of bundling it`);
  dependencies[name] = `^${installedVersion(name)}`;
}
// Native packages are loaded by the scanner's structural rules through a name the bundler cannot see.
for (const name of ["@ast-grep/napi", "@ast-grep/lang-python"]) {
  if (cli.dependencies?.[name] && !dependencies[name]) dependencies[name] = `^${installedVersion(name)}`;
}

const manifest = {
  name: cli.name,
  version: cli.version,
  description: cli.description,
  type: "module",
  license: cli.license,
  engines: cli.engines,
  bin: cli.bin,
  files: ["bin", "bundle", "README.md"],
  dependencies,
};

const stage = mkdtempSync(path.join(os.tmpdir(), "gembatch-pack-"));
try {
  cpSync(path.join(cliDir, "bin"), path.join(stage, "bin"), { recursive: true });
  cpSync(bundleDir, path.join(stage, "bundle"), { recursive: true });
  cpSync(path.join(repo, "README.md"), path.join(stage, "README.md"));
  writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(outDir, { recursive: true });
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", outDir], {
      cwd: stage,
      encoding: "utf8",
      shell: process.platform === "win32",
    }),
  );
  // npm names a scoped package's tarball `scope-name-<v>.tgz`; the docs promise `gembatch-<v>.tgz`.
  const target = path.join(outDir, `gembatch-${cli.version}.tgz`);
  renameSync(path.join(outDir, packed[0].filename), target);
  process.stdout.write(`${target}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
