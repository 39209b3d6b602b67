// Bench 2: extraction of one large reply holding 200 files (20 MB, and 200 MB to check the scaling), with
// time and peak memory measured in a fresh child process per run. Baseline in the same run: the I/O
// floor (read the reply, write it back out once). Goal: 10x the input costs at most 11x the time.
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = path.join(root, "packages", "extract", "dist", "index.js");
if (!existsSync(pkg)) {
  process.stderr.write("bench: packages/extract/dist is missing; build first (pnpm build)\n");
  process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? 3);
const files = 200;
const sizesMb = (process.env.BENCH_EXTRACT_SIZES ?? "20,200").split(",").map(Number);
const goal = 11;
const work = mkdtempSync(path.join(os.tmpdir(), "gembatch-extract-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

// Python-looking lines, a markdown example holding ``` (so the reply must use a longer fence), and the
// kind of comments the elision check reads.
const lineKinds = [
  (i) => `def handler_${i}(request, context=None):`,
  (i) => `    """Handle request ${i}; see ${"`"}docs/api.md${"`"}."""`,
  (i) => `    # keep the existing connection open for call ${i}`,
  (i) => `    value = compute(request.payload, offset=${i}, retries=3)`,
  (i) => `    if value is None:`,
  (i) => `        raise ValueError(f"no value for {request.id} at ${i}")`,
  () => `    example = """`,
  () => "    ```python",
  (i) => `    print(${i})`,
  () => "    ```",
  () => `    """`,
  (i) => `    return {"id": ${i}, "value": value}`,
  () => ``,
];

async function writeReply(file, totalBytes) {
  const out = createWriteStream(file);
  const perFile = Math.floor(totalBytes / files);
  let line = 0;
  for (let f = 0; f < files; f++) {
    const name = `src/pkg_${f % 10}/module_${f}.py`;
    let body = "";
    while (body.length < perFile) body += `${lineKinds[line % lineKinds.length](line++)}\n`;
    const chunk = `Here is the fixed file ${f + 1}.\n\n<!-- CODE_FILE_START: ${name} -->\n\`\`\`\`python\n${body}\`\`\`\`\n<!-- CODE_FILE_END: ${name} -->\n\n`;
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

const childExtract = `
const [pkg, input, dir, outDir] = process.argv.slice(1);
const { runExtract } = await import(pkg);
const start = performance.now();
const result = await runExtract({ markdownFile: input, cwd: dir, projectRoot: dir, tmpDir: dir + "/tmp", outputDir: outDir });
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, files: result.files.length, refused: result.refused.length, max_rss_kb: process.resourceUsage().maxRSS }));
`;
const childFloor = `
const [, input, , outDir] = process.argv.slice(1);
const { readFile, writeFile, mkdir } = await import("node:fs/promises");
const start = performance.now();
const text = await readFile(input, "utf8");
await mkdir(outDir, { recursive: true });
await writeFile(outDir + "/copy.md", text);
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, max_rss_kb: process.resourceUsage().maxRSS }));
`;
const childIdle = `
const [pkg] = process.argv.slice(1);
await import(pkg);
process.stdout.write(JSON.stringify({ ms: 0, max_rss_kb: process.resourceUsage().maxRSS }));
`;

function child(script, input, dir, tag) {
  const outDir = path.join(dir, `out-${tag}`);
  const run = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", script, pathToFileURL(pkg).href, input, dir, outDir],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  rmSync(outDir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`child failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const idle = child(childIdle, "", work, "idle");
const rows = [];
for (const mb of sizesMb) {
  const dir = path.join(work, `${mb}mb`);
  mkdirSync(path.join(dir, ".git"), { recursive: true });
  const input = path.join(dir, "response_1_big.md");
  await writeReply(input, mb * 1024 * 1024);
  const extract = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    const e = child(childExtract, input, dir, `e${i}`);
    if (e.files !== files || e.refused !== 0)
      throw new Error(`${mb} MB: extracted ${e.files} file(s), refused ${e.refused}`);
    extract.push(e);
    floor.push(child(childFloor, input, dir, `f${i}`));
  }
  rmSync(input, { force: true });
  rows.push({
    mb,
    extract_ms: median(extract.map((r) => r.ms)),
    floor_ms: median(floor.map((r) => r.ms)),
    peak_rss_mb: median(extract.map((r) => r.max_rss_kb)) / 1024,
    floor_rss_mb: median(floor.map((r) => r.max_rss_kb)) / 1024,
  });
}

const fmt = (n, d = 1) => n.toFixed(d);
process.stdout.write(
  `runs per size: ${runs}, files per reply: ${files}, node+package idle RSS: ${fmt(idle.max_rss_kb / 1024)} MB\n`,
);
process.stdout.write(
  `${"reply".padEnd(8)} ${"extract ms".padStart(11)} ${"MB/s".padStart(7)} ${"io floor ms".padStart(12)} ${"x floor".padStart(8)} ${"peak RSS MB".padStart(12)} ${"floor RSS MB".padStart(13)}\n`,
);
for (const r of rows) {
  process.stdout.write(
    `${`${r.mb} MB`.padEnd(8)} ${fmt(r.extract_ms).padStart(11)} ${fmt(r.mb / (r.extract_ms / 1000)).padStart(7)} ${fmt(r.floor_ms).padStart(12)} ${fmt(r.extract_ms / r.floor_ms, 2).padStart(8)} ${fmt(r.peak_rss_mb).padStart(12)} ${fmt(r.floor_rss_mb).padStart(13)}\n`,
  );
}
const small = rows[0];
const large = rows[rows.length - 1];
const inputRatio = large.mb / small.mb;
const timeRatio = large.extract_ms / small.extract_ms;
const summary = {
  bench: "extract",
  runs,
  files,
  small_mb: small.mb,
  large_mb: large.mb,
  small_ms: +fmt(small.extract_ms),
  large_ms: +fmt(large.extract_ms),
  small_peak_rss_mb: +fmt(small.peak_rss_mb),
  large_peak_rss_mb: +fmt(large.peak_rss_mb),
  idle_rss_mb: +fmt(idle.max_rss_kb / 1024),
  floor_ratio_large: +fmt(large.extract_ms / large.floor_ms, 2),
  input_ratio: inputRatio,
  time_ratio: +fmt(timeRatio, 2),
  memory_ratio: +fmt(large.peak_rss_mb / small.peak_rss_mb, 2),
  goal_time_ratio: goal * (inputRatio / 10),
  within_goal: timeRatio <= goal * (inputRatio / 10),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
