// Project rules tsc cannot check: no console.* in library source, no relative imports into a sibling
// package, library source never imports test code, a package's source imports only the gembatch packages its
// package.json depends on (the allowed-imports graph of docs/architecture.md), kebab-case file names, and
// files kept small.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const problems = [];
const warnings = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith(".ts")) check(full);
  }
}
// Test code: *.test.ts anywhere, everything under a package's test/, and the test-only test-utils package.
const TEST_FILE = /\.test\.ts$|^packages\/[^/]+\/test\/|^packages\/test-utils\//;
// What only tests may import. The one exception: the CLI's `gembatch emulator` command serves the emulator.
const TEST_ONLY_IMPORT = /^@gembatch\/(emulator|test-utils)(\/|$)|(^|\/)test\//;
const ALLOWED_IMPORTS = { "packages/cli/src/registry.ts": ["@gembatch/emulator/cli"] };
const dependencies = new Map();
const dependsOn = (pkg) => {
  if (!dependencies.has(pkg)) {
    const manifest = JSON.parse(readFileSync(path.join("packages", pkg, "package.json"), "utf8"));
    dependencies.set(pkg, new Set(Object.keys(manifest.dependencies ?? {})));
  }
  return dependencies.get(pkg);
};
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/g;

function check(file) {
  const text = readFileSync(file, "utf8");
  const isTest = TEST_FILE.test(file.split(path.sep).join("/"));
  // A test may name its kind before .test.ts: e2e, security, evidence.
  const base = path.basename(file).replace(/(\.[a-z0-9]+)?\.test\.ts$|\.ts$/, "");
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(base)) problems.push(`${file}: file name is not kebab-case`);
  text.split("\n").forEach((line, i) => {
    if (!isTest && /\bconsole\.(log|error|warn|info|debug)\(/.test(line))
      problems.push(`${file}:${i + 1}: console.* in library code`);
    if (/from\s+["'](\.\.\/){2,}[^"']*\/src\//.test(line))
      problems.push(`${file}:${i + 1}: relative import into another package's src`);
    if (/^\s*export\s+default\b/.test(line)) problems.push(`${file}:${i + 1}: default export`);
    if (!isTest)
      for (const [, specifier] of line.matchAll(IMPORT))
        if (TEST_ONLY_IMPORT.test(specifier) && !ALLOWED_IMPORTS[file.split(path.sep).join("/")]?.includes(specifier))
          problems.push(`${file}:${i + 1}: library source imports test code (${specifier})`);
        else if (specifier.startsWith("@gembatch/")) {
          const target = specifier.split("/").slice(0, 2).join("/");
          const pkg = file.split(path.sep)[1];
          if (target !== `@gembatch/${pkg}` && !dependsOn(pkg).has(target))
            problems.push(`${file}:${i + 1}: ${target} is not a dependency of @gembatch/${pkg} (docs/architecture.md)`);
        }
  });
  const lines = text.split("\n").length;
  if (!isTest && lines > 300) warnings.push(`${file}: ${lines} lines`);
}
for (const pkg of readdirSync("packages"))
  for (const dir of ["src", "test"]) {
    const root = path.join("packages", pkg, dir);
    try {
      statSync(root);
    } catch {
      continue;
    }
    walk(root);
  }
for (const w of warnings) process.stderr.write(`lint: large file: ${w}\n`);
for (const p of problems) process.stderr.write(`lint: ${p}\n`);
process.stdout.write(`lint: ${problems.length} problem(s), ${warnings.length} large file(s)\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
