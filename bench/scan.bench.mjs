#!/usr/bin/env node
// Scan benchmark: the built-in rules over a large real tree, our scanner against ripgrep in the
// same run. Prints a table and one final JSON line. Needs the built packages (`pnpm build`).
//
//   node bench/scan.bench.mjs [--runs 3] [--min-files 50000] [--rebuild] [--tree DIR]
//
// The tree is assembled once in the OS temp dir (reused later; --rebuild makes it anew) from the
// installed node_modules and Python's standard library, text files only, repeated until it holds
// --min-files files. Both tools run with equivalent settings: no ignore files, no hidden files,
// the same size limit, the same file globs per rule, and ASCII classes (`rg --no-unicode`, as
// JavaScript's \w and \b are ASCII). The cross-check counts raw regex matches per rule, so our
// run for it drops each rule's not_nearby filter (rg has no such thing).

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const scan = await import(path.join(here, "../packages/scan/dist/index.js")).catch(() => {
  process.stderr.write("bench/scan: build the packages first (pnpm build)\n");
  process.exit(2);
});

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const RUNS = Number(flag("runs", 3));
const MIN_FILES = Number(flag("min-files", 50_000));
const TREE = path.resolve(flag("tree", path.join(tmpdir(), "gembatch-bench-scan-tree")));
const MAX_BYTES = scan.DEFAULT_MAX_FILE_BYTES;
const MANIFEST = ".bench-manifest.json";
const TREE_VERSION = 2;

const log = (line) => process.stderr.write(`${line}\n`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function pythonStdlib() {
  const found = spawnSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Copy text files (no NUL byte, at most 8 MB) once each; symlinks are followed but never twice. */
function copyTextFiles(source, dest, seen, counts) {
  let entries;
  try {
    entries = readdirSync(source, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === ".git" || entry.name === "__pycache__") continue;
    const from = path.join(source, entry.name);
    let real;
    let stats;
    try {
      real = realpathSync(from);
      stats = statSync(real);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    // Dot directories would be skipped by both tools; renaming keeps their files in the race.
    const name = stats.isDirectory() && entry.name.startsWith(".") ? `_${entry.name.slice(1)}` : entry.name;
    if (stats.isDirectory()) copyTextFiles(real, path.join(dest, name), seen, counts);
    else if (stats.isFile() && stats.size <= 8 * 1024 * 1024) {
      const bytes = readFileSync(real);
      if (bytes.includes(0)) continue;
      mkdirSync(dest, { recursive: true });
      writeFileSync(path.join(dest, name), bytes);
      counts.files++;
      counts.bytes += bytes.length;
    }
  }
}

function buildTree() {
  const manifestFile = path.join(TREE, MANIFEST);
  if (!args.includes("--rebuild") && existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    if (manifest.version === TREE_VERSION && manifest.files >= MIN_FILES) return manifest;
  }
  rmSync(TREE, { recursive: true, force: true });
  const sources = [
    { name: "node_modules", dir: path.join(here, "../node_modules") },
    { name: "python-stdlib", dir: pythonStdlib() },
  ].filter((s) => s.dir && existsSync(s.dir));
  const counts = { files: 0, bytes: 0 };
  const seen = new Set();
  for (const source of sources) {
    log(`bench/scan: copying text files of ${source.name} ...`);
    copyTextFiles(source.dir, path.join(TREE, "base", source.name), seen, counts);
  }
  if (counts.files === 0) throw new Error("no source tree found to copy");
  const base = { ...counts };
  for (let copy = 2; counts.files < MIN_FILES; copy++) {
    cpSync(path.join(TREE, "base"), path.join(TREE, `copy-${copy}`), { recursive: true });
    counts.files += base.files;
    counts.bytes += base.bytes;
  }
  const manifest = { version: TREE_VERSION, files: counts.files, bytes: counts.bytes, sources: sources.map((s) => s.name) };
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return manifest;
}

function rgArgs(spec) {
  return [
    "--no-ignore",
    "--no-unicode",
    "--no-messages",
    "--count-matches",
    "--with-filename",
    "--max-filesize",
    String(MAX_BYTES),
    ...(spec.multiline ? ["-U"] : []),
    ...(spec.multiline && spec.dotall ? ["--multiline-dotall"] : []),
    ...(spec.ignore_case ? ["-i"] : []),
    // Extensions match case-insensitively in our engine; a class per letter does the same in a glob.
    // (--iglob would be simpler, but rg ranks all --iglob globs after all -g ones, so `!` globs lost.)
    ...(spec.extensions ?? []).flatMap((ext) => ["-g", `*.${[...ext.replace(/^\./, "")].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join("")}`]),
    ...(spec.exclude ?? []).flatMap((glob) => ["-g", `!${glob}`]),
    // A whitelist glob lets rg search hidden files; our scanner skips them unless --hidden.
    "-g",
    "!.*",
    "-e",
    spec.pattern,
    ".",
  ];
}

function runRg(specs) {
  const counts = {};
  const started = performance.now();
  for (const spec of specs) {
    const result = spawnSync("rg", rgArgs(spec), { cwd: TREE, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (result.status === 2) throw new Error(`rg failed for ${spec.id}: ${result.stderr}`);
    counts[spec.id] = result.stdout.split("\n").reduce((sum, line) => sum + (line ? Number(line.slice(line.lastIndexOf(":") + 1)) : 0), 0);
  }
  return { ms: performance.now() - started, counts };
}

/** A lower bound for rg: every line-mode pattern in one pass and the multiline ones in another, no per-rule globs. */
function runRgOnePass(specs) {
  const started = performance.now();
  for (const multiline of [false, true]) {
    const group = specs.filter((spec) => spec.multiline === multiline && !spec.ignore_case);
    const extensions = [...new Set(group.flatMap((spec) => spec.extensions ?? []))];
    if (group.length === 0) continue;
    const args = rgArgs({ ...group[0], extensions, exclude: [], ignore_case: false, pattern: "" }).slice(0, -3);
    const result = spawnSync("rg", [...args, ...group.flatMap((spec) => ["-e", spec.pattern]), "."], { cwd: TREE, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (result.status === 2) throw new Error(`rg failed: ${result.stderr}`);
  }
  const ignoreCase = specs.filter((spec) => spec.ignore_case);
  for (const spec of ignoreCase) spawnSync("rg", rgArgs({ ...spec, exclude: [] }), { cwd: TREE, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return performance.now() - started;
}

async function runOurs(rules, workers) {
  const started = performance.now();
  const run = await scan.runScan({ root: TREE, rules, gitignore: false, defaultExcludes: false, workers });
  return { ms: performance.now() - started, run };
}

const manifest = buildTree();
const specs = scan.parseBuiltinRules();
const rules = specs.map(scan.compileRule);
const rawRules = specs.map(({ not_nearby, ...spec }) => scan.compileRule(spec));
const rgVersion = spawnSync("rg", ["--version"], { encoding: "utf8" });
const haveRg = rgVersion.status === 0;
log(`bench/scan: tree ${TREE}: ${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(0)} MB; ${RUNS} run(s) each after a warm-up; ${availableParallelism()} core(s)`);
if (!haveRg) log("bench/scan: rg (ripgrep) not found: skipping the comparison (apt-get install ripgrep)");

await runOurs(rules, 0);
if (haveRg) runRg(specs);
const ours = [];
const oursSingle = [];
const rg = [];
const rgOnePass = [];
let last;
for (let i = 0; i < RUNS; i++) {
  last = await runOurs(rules, 0);
  ours.push(last.ms);
  oursSingle.push((await runOurs(rules, 1)).ms);
  if (haveRg) rg.push(runRg(specs).ms);
  if (haveRg) rgOnePass.push(runRgOnePass(specs));
}

const check = (await runOurs(rawRules, 0)).run;
const oursCounts = Object.fromEntries(specs.map((s) => [s.id, 0]));
for (const finding of check.findings) oursCounts[finding.rule]++;
const rgCounts = haveRg ? runRg(specs).counts : {};
const perRule = Object.fromEntries(specs.map((s) => [s.id, { ours: oursCounts[s.id], rg: haveRg ? rgCounts[s.id] : null }]));
const matchesEqual = haveRg ? specs.every((s) => oursCounts[s.id] === rgCounts[s.id]) && check.suppressed === 0 : null;

const oursMs = median(ours);
const rgMs = haveRg ? median(rg) : null;
const rows = [
  ["", "wall ms (median)", "files/s", "vs rg"],
  [`ours (${last.run.workers} workers)`, oursMs.toFixed(0), (manifest.files / (oursMs / 1000)).toFixed(0), rgMs ? `${(oursMs / rgMs).toFixed(2)}x` : "-"],
  ["ours (1 thread)", median(oursSingle).toFixed(0), (manifest.files / (median(oursSingle) / 1000)).toFixed(0), rgMs ? `${(median(oursSingle) / rgMs).toFixed(2)}x` : "-"],
  ...(rgMs ? [[`rg ${rgVersion.stdout.split("\n")[0].split(" ")[1]} (one run per rule)`, rgMs.toFixed(0), (manifest.files / (rgMs / 1000)).toFixed(0), "1.00x"]] : []),
  ...(rgMs ? [["rg (one pass per regex mode, no per-rule globs)", median(rgOnePass).toFixed(0), (manifest.files / (median(rgOnePass) / 1000)).toFixed(0), `${(median(rgOnePass) / rgMs).toFixed(2)}x`]] : []),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
log("");
log(`${"rule".padEnd(24)} ${"ours".padStart(7)} ${"rg".padStart(7)}`);
for (const [id, c] of Object.entries(perRule)) log(`${id.padEnd(24)} ${String(c.ours).padStart(7)} ${String(c.rg ?? "-").padStart(7)}${c.rg !== null && c.rg !== c.ours ? "  MISMATCH" : ""}`);

const summary = {
  bench: "scan",
  files: manifest.files,
  bytes: manifest.bytes,
  files_scanned: last.run.files_scanned,
  skipped: last.run.skipped.length,
  rules: specs.length,
  ours_ms: Math.round(oursMs),
  ours_single_thread_ms: Math.round(median(oursSingle)),
  workers: last.run.workers,
  rg_ms: rgMs === null ? null : Math.round(rgMs),
  ratio: rgMs === null ? null : Number((oursMs / rgMs).toFixed(3)),
  rg_one_pass_ms: rgMs === null ? null : Math.round(median(rgOnePass)),
  ratio_vs_rg_one_pass: rgMs === null ? null : Number((oursMs / median(rgOnePass)).toFixed(3)),
  files_per_s: Math.round(manifest.files / (oursMs / 1000)),
  matches_equal: matchesEqual,
  matches_total: check.findings.length,
  per_rule: perRule,
  runs: RUNS,
  cores: availableParallelism(),
  node: process.version,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
