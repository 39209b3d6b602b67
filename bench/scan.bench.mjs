#!/usr/bin/env node
// Scan benchmark: our scanner against ripgrep on a large tree of real third-party code, in the same
// run, with two rule sets: the 13 built-in rules, and six plain custom regex rules over every file.
// Each run of ours is a child process (as each rg run is), which also gives its peak RSS.
// Prints tables and one final JSON line. Needs the built packages (`pnpm build`).
//
//   node bench/scan.bench.mjs [--runs 3] [--min-files 50000] [--rebuild] [--tree DIR]
//
// The tree is assembled once in the OS temp dir (reused later; --rebuild makes it anew) from the
// installed node_modules, Python's standard library and site-packages and the system's C headers,
// text files only, copied again only if that is fewer than --min-files files. Both tools run with
// equivalent settings: no ignore files, no hidden files, the same size limit, the same file globs
// per rule, and ASCII classes (`rg --no-unicode`, as JavaScript's \w and \b are ASCII). "rg one
// pass" runs all of a suite's patterns in one rg invocation (per regex mode), the fastest rg can do.
// The cross-check counts raw regex matches per rule, so our run for it drops each rule's
// not_nearby filter (rg has no such thing) and runs structural rules in their regex form; the
// timed runs use the rules as shipped (blocking-call-in-async parsed with ast-grep).

import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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
const TREE_VERSION = 3;

const log = (line) => process.stderr.write(`${line}\n`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function pythonPath(name) {
  const found = spawnSync("python3", ["-c", `import sysconfig; print(sysconfig.get_paths()['${name}'])`], {
    encoding: "utf8",
  });
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
    { name: "python-stdlib", dir: pythonPath("stdlib") },
    { name: "python-site-packages", dir: pythonPath("purelib") },
    { name: "c-headers", dir: "/usr/include" },
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
  const manifest = {
    version: TREE_VERSION,
    files: counts.files,
    bytes: counts.bytes,
    sources: sources.map((s) => s.name),
  };
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
    ...(spec.extensions ?? []).flatMap((ext) => [
      "-g",
      `*.${[...ext.replace(/^\./, "")].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join("")}`,
    ]),
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
    counts[spec.id] = result.stdout
      .split("\n")
      .reduce((sum, line) => sum + (line ? Number(line.slice(line.lastIndexOf(":") + 1)) : 0), 0);
  }
  return { ms: performance.now() - started, counts };
}

/** Every pattern of a suite in one rg invocation per regex mode (the union of the suites' globs). */
function runRgOnePass(specs) {
  const started = performance.now();
  for (const multiline of [false, true]) {
    const group = specs.filter((spec) => spec.multiline === multiline && !spec.ignore_case);
    if (group.length === 0) continue;
    const extensions = group.every((spec) => spec.extensions?.length)
      ? [...new Set(group.flatMap((spec) => spec.extensions))]
      : [];
    const args = rgArgs({ ...group[0], extensions, exclude: [], ignore_case: false, pattern: "" }).slice(0, -3);
    const result = spawnSync("rg", [...args, ...group.flatMap((spec) => ["-e", spec.pattern]), "."], {
      cwd: TREE,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status === 2) throw new Error(`rg failed: ${result.stderr}`);
  }
  for (const spec of specs.filter((spec) => spec.ignore_case))
    spawnSync("rg", rgArgs({ ...spec, exclude: [] }), { cwd: TREE, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return performance.now() - started;
}

/** Plain regex rules over every file, as a user's own config would have them. */
const CUSTOM = [
  { id: "eval-call", pattern: String.raw`\beval\(` },
  { id: "todo-fixme", pattern: "TODO|FIXME" },
  { id: "password-assign", pattern: String.raw`password\s*=` },
  { id: "plain-http", pattern: "http://[a-z]" },
  { id: "require-fs", pattern: String.raw`require\(['"]fs['"]\)` },
  { id: "import-os", pattern: "^import os$" },
].map((rule) => ({ severity: "warning", message: rule.id, multiline: false, ...rule }));

const SUITES = {
  builtin: () => scan.parseBuiltinRules(),
  custom: () => CUSTOM.map((rule) => scan.RuleSpecSchema.parse(rule)),
};

/** One scan in a child process: its wall time, peak RSS and, with --raw, per-rule match counts. */
function runOurs(suite, workers, raw = false) {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", suite, String(workers), raw ? "raw" : "", "--tree", TREE],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`scan child failed: ${child.stderr}`);
  return { ms, ...JSON.parse(child.stdout) };
}

async function child() {
  const [suite, workers, raw] = args.slice(args.indexOf("--child") + 1);
  // The cross-check compares regexes with rg's: structural rules run in their regex form there.
  const specs = SUITES[suite]().map((spec) =>
    raw === "raw" ? { ...spec, not_nearby: undefined, ast: undefined } : spec,
  );
  const run = await scan.runScan({
    root: TREE,
    rules: specs.map(scan.compileRule),
    gitignore: false,
    defaultExcludes: false,
    workers: Number(workers),
  });
  const counts = Object.fromEntries(specs.map((spec) => [spec.id, 0]));
  for (const finding of run.findings) counts[finding.rule]++;
  const result = {
    workers: run.workers,
    files_scanned: run.files_scanned,
    skipped: run.skipped.length,
    suppressed: run.suppressed,
    findings: run.findings.length,
    counts,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(result));
}

if (args.includes("--child")) {
  await child();
  process.exit(0);
}

const manifest = buildTree();
const rgVersion = spawnSync("rg", ["--version"], { encoding: "utf8" });
const haveRg = rgVersion.status === 0;
log(
  `bench/scan: tree ${TREE}: ${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(0)} MB from ${manifest.sources.join(", ")}; ${RUNS} run(s) each after a warm-up; ${availableParallelism()} core(s)`,
);
if (!haveRg) log("bench/scan: rg (ripgrep) not found: skipping the comparison (apt-get install ripgrep)");

function benchSuite(name) {
  const specs = SUITES[name]();
  runOurs(name, 0);
  if (haveRg) runRgOnePass(specs);
  const ours = [];
  const oursSingle = [];
  const rgOne = [];
  const rss = [];
  let last;
  // Interleaved, so that a burst of load elsewhere hits both sides alike.
  for (let i = 0; i < RUNS; i++) {
    last = runOurs(name, 0);
    ours.push(last.ms);
    rss.push(last.peak_rss_mb);
    oursSingle.push(runOurs(name, 1).ms);
    if (haveRg) rgOne.push(runRgOnePass(specs));
  }
  const check = runOurs(name, 0, true);
  const rgCounts = haveRg ? runRg(specs).counts : {};
  const perRule = Object.fromEntries(
    specs.map((s) => [s.id, { ours: check.counts[s.id], rg: haveRg ? rgCounts[s.id] : null }]),
  );
  const oursMs = median(ours);
  const rgMs = haveRg ? median(rgOne) : null;
  const rows = [
    [`${name} rules (${specs.length})`, "wall ms (median)", "files/s", "vs rg one pass"],
    [
      `ours (${last.workers} workers)`,
      oursMs.toFixed(0),
      (manifest.files / (oursMs / 1000)).toFixed(0),
      rgMs ? `${(oursMs / rgMs).toFixed(2)}x` : "-",
    ],
    [
      "ours (1 thread)",
      median(oursSingle).toFixed(0),
      (manifest.files / (median(oursSingle) / 1000)).toFixed(0),
      rgMs ? `${(median(oursSingle) / rgMs).toFixed(2)}x` : "-",
    ],
    ...(rgMs
      ? [
          [
            `rg ${rgVersion.stdout.split("\n")[0].split(" ")[1]} one pass`,
            rgMs.toFixed(0),
            (manifest.files / (rgMs / 1000)).toFixed(0),
            "1.00x",
          ],
        ]
      : []),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
  log(`peak RSS (ours, ${last.workers} workers): ${median(rss)} MB (median)`);
  log(`${"rule".padEnd(24)} ${"ours".padStart(7)} ${"rg".padStart(7)}`);
  for (const [id, c] of Object.entries(perRule))
    log(
      `${id.padEnd(24)} ${String(c.ours).padStart(7)} ${String(c.rg ?? "-").padStart(7)}${c.rg !== null && c.rg !== c.ours ? "  MISMATCH" : ""}`,
    );
  log("");
  return {
    rules: specs.length,
    files_scanned: last.files_scanned,
    ours_ms: Math.round(oursMs),
    ours_single_thread_ms: Math.round(median(oursSingle)),
    workers: last.workers,
    rg_one_pass_ms: rgMs === null ? null : Math.round(rgMs),
    ratio_vs_rg_one_pass: rgMs === null ? null : Number((oursMs / rgMs).toFixed(3)),
    files_per_s: Math.round(manifest.files / (oursMs / 1000)),
    peak_rss_mb: median(rss),
    matches_equal: haveRg ? specs.every((s) => check.counts[s.id] === rgCounts[s.id]) && check.suppressed === 0 : null,
    matches_total: check.findings,
    per_rule: perRule,
  };
}

const suites = Object.fromEntries(Object.keys(SUITES).map((name) => [name, benchSuite(name)]));
const summary = {
  bench: "scan",
  files: manifest.files,
  bytes: manifest.bytes,
  sources: manifest.sources,
  runs: RUNS,
  cores: availableParallelism(),
  node: process.version,
  ...suites,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
