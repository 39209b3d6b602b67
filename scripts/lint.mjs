// Project rules tsc cannot check: no console.* in library source, no relative imports into a sibling
// package, kebab-case file names, and files kept small.
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
function check(file) {
  const text = readFileSync(file, "utf8");
  const isTest = /\.test\.ts$|test-helpers/.test(file);
  const base = path.basename(file).replace(/\.test\.ts$|\.ts$/, "");
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(base)) problems.push(`${file}: file name is not kebab-case`);
  text.split("\n").forEach((line, i) => {
    if (!isTest && /\bconsole\.(log|error|warn|info|debug)\(/.test(line))
      problems.push(`${file}:${i + 1}: console.* in library code`);
    if (/from\s+["'](\.\.\/){2,}[^"']*\/src\//.test(line))
      problems.push(`${file}:${i + 1}: relative import into another package's src`);
    if (/^\s*export\s+default\b/.test(line)) problems.push(`${file}:${i + 1}: default export`);
  });
  const lines = text.split("\n").length;
  if (!isTest && lines > 400) warnings.push(`${file}: ${lines} lines`);
}
for (const pkg of readdirSync("packages")) {
  const src = path.join("packages", pkg, "src");
  try {
    statSync(src);
  } catch {
    continue;
  }
  walk(src);
}
for (const w of warnings) process.stderr.write(`lint: large file: ${w}\n`);
for (const p of problems) process.stderr.write(`lint: ${p}\n`);
process.stdout.write(`lint: ${problems.length} problem(s), ${warnings.length} large file(s)\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
