// Two measurements of `gembatch submit`, each against a baseline in the same run:
// 1. 204 batches against an emulator that allows 20 concurrent jobs of 0.5 s: total time against the
//    ideal, and the 429s received (goal: none); the same submission with one create at a time
//    (--create-concurrency 1) runs alongside, so machine load shows in both. The ideal is what no client
//    of this API can beat: Node's own start (a bare `node -e ""`, timed alongside), then 10 waves of one
//    job life each, plus half a poll interval per wave (a job's end is only learnt by asking, on average
//    half an interval late). The quota bound alone (waves × job life, as if start-up were free and ends
//    were known at once) is reported too.
// 2. download + collect of a ≥200 MB result file: peak RSS of each command (goal: under 150 MB),
//    against the size of the file it streamed.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { startEmulator } = await import(path.join(root, "packages/emulator/dist/index.js"));
const bin = path.join(root, "packages/cli/bin/gembatch.js");
const key = "bench-key";

function workspace(files, perFile, text) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-submit-bench-"));
  mkdirSync(path.join(dir, ".git"));
  mkdirSync(path.join(dir, "batches"));
  for (let f = 1; f <= files; f++) {
    const lines = Array.from({ length: perFile }, (_, r) =>
      JSON.stringify({
        key: `b${f}-r${r}`,
        request: { contents: [{ parts: [{ text: text ?? `question ${f}.${r}` }] }] },
      }),
    );
    writeFileSync(path.join(dir, "batches", `batch_${String(f).padStart(3, "0")}.jsonl`), `${lines.join("\n")}\n`);
  }
  return dir;
}

// Async spawn: the emulator lives in this process and must keep answering while the child runs.
async function run(dir, url, args) {
  const rssFile = path.join(dir, `rss-${Date.now()}.txt`);
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%M", "-o", rssFile, process.execPath, bin, ...args, "--json"], {
    cwd: dir,
    env: { ...process.env, GEMINI_API_KEY: key, GEMBATCH_BASE_URL: url, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const status = await new Promise((resolve) => child.on("close", resolve));
  const ms = performance.now() - started;
  if (status !== 0) throw new Error(`gembatch ${args.join(" ")} exited ${status}: ${stderr}`);
  return {
    ms,
    json: JSON.parse(stdout),
    peakMb: Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024,
  };
}

// 1. Capacity-bound submission, concurrent creates (default) and one at a time; median of three each.
const jobLifeMs = 500;
const concurrent = 20;
const pollMs = 50;
async function nodeStart() {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("close", resolve));
  return { ms: performance.now() - started };
}
async function capacityRun(extra) {
  const emu = await startEmulator({
    apiKey: key,
    quotas: { concurrentBatches: concurrent },
    batch: { pendingMs: 100, runningMs: jobLifeMs - 100 },
  });
  const dir = workspace(204, 2);
  const run1 = await run(dir, emu.url, [
    "submit",
    "--dir",
    "batches",
    "--max-concurrent-jobs",
    String(concurrent),
    "--poll-interval",
    String(pollMs / 1000),
    ...extra,
  ]);
  const out = {
    ms: run1.ms,
    peakMb: run1.peakMb,
    rejections: emu.record.quota.rejections.length,
    jobs: emu.record.batches.length,
    duplicates: emu.record.batches.length - new Set(emu.record.batches.map((b) => b.displayName)).size,
  };
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}
const median = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
const concurrentRuns = [];
const sequentialRuns = [];
const startRuns = [];
for (let i = 0; i < 3; i++) {
  startRuns.push(await nodeStart());
  concurrentRuns.push(await capacityRun([]));
  sequentialRuns.push(await capacityRun(["--create-concurrency", "1"]));
}
const submitted = median(concurrentRuns);
const sequential = median(sequentialRuns);
const startMs = median(startRuns).ms;
const waves = Math.ceil(204 / concurrent);
const quotaBoundMs = (waves - 1) * jobLifeMs;
const idealMs = startMs + (waves - 1) * (jobLifeMs + pollMs / 2);
const rejections = [...concurrentRuns, ...sequentialRuns].reduce((sum, r) => sum + r.rejections, 0);
const jobs = submitted.jobs;
const duplicates = concurrentRuns.reduce((sum, r) => sum + r.duplicates, 0);

// 2. A ≥200 MB responses file: 2,100 rows of ~100 KB answers.
const rows = 2100;
const answer = "x".repeat(100 * 1024);
const emu2 = await startEmulator({
  apiKey: key,
  timeScale: 10_000,
  script: [
    {
      reply: {
        text: answer,
        usage: { promptTokenCount: 10, candidatesTokenCount: 25_600 },
        modelVersion: "gemini-2.5-flash",
      },
    },
  ],
});
const dir2 = workspace(1, rows);
await run(dir2, emu2.url, ["submit", "--dir", "batches"]);
await run(dir2, emu2.url, ["submit", "status", "--watch", "--interval", "0.2"]);
const download = await run(dir2, emu2.url, ["submit", "download"]);
const resultBytes = statSync(path.join(dir2, "gemini_batch_results", "batch_0001.jsonl")).size;
// Peak RSS depends on when V8 collects; the median of three runs is reported.
const collects = [];
for (let i = 0; i < 3; i++) collects.push(await run(dir2, emu2.url, ["submit", "collect"]));
collects.sort((a, b) => a.peakMb - b.peakMb);
const collect = collects[1];
await emu2.close();
rmSync(dir2, { recursive: true, force: true });

const table = [
  [
    "204 batches, 20 jobs (median of 3)",
    `${(submitted.ms / 1000).toFixed(2)} s`,
    `ideal ≥ ${(idealMs / 1000).toFixed(2)} s`,
    `ratio ${(submitted.ms / idealMs).toFixed(2)}`,
    `429s ${rejections}`,
  ],
  [
    "  quota bound alone",
    "",
    `≥ ${(quotaBoundMs / 1000).toFixed(2)} s`,
    `ratio ${(submitted.ms / quotaBoundMs).toFixed(2)}`,
    `node start ${Math.round(startMs)} ms`,
  ],
  [
    "  same, one create at a time",
    `${(sequential.ms / 1000).toFixed(2)} s`,
    "",
    `ratio ${(sequential.ms / idealMs).toFixed(2)}`,
    `dup jobs ${duplicates}`,
  ],
  [
    `download ${(resultBytes / 2 ** 20).toFixed(0)} MB`,
    `${(download.ms / 1000).toFixed(2)} s`,
    `peak ${download.peakMb.toFixed(0)} MB`,
    `file/peak ${(resultBytes / 2 ** 20 / download.peakMb).toFixed(2)}`,
    "",
  ],
  [
    `collect ${(resultBytes / 2 ** 20).toFixed(0)} MB (median of 3)`,
    `${(collect.ms / 1000).toFixed(2)} s`,
    `peak ${collect.peakMb.toFixed(0)} MB`,
    `file/peak ${(resultBytes / 2 ** 20 / collect.peakMb).toFixed(2)}`,
    `${collect.json.results}/${collect.json.requests} rows`,
  ],
];
for (const row of table)
  process.stdout.write(`${row.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(16))).join(" ")}\n`);
process.stdout.write(
  `${JSON.stringify({
    bench: "submit",
    batches: 204,
    jobs_created: jobs,
    submit_ms: Math.round(submitted.ms),
    sequential_ms: Math.round(sequential.ms),
    ideal_ms: Math.round(idealMs),
    node_start_ms: Math.round(startMs),
    ratio_to_ideal: +(submitted.ms / idealMs).toFixed(2),
    quota_bound_ms: quotaBoundMs,
    ratio_to_quota_bound: +(submitted.ms / quotaBoundMs).toFixed(2),
    submit_peak_mb: +submitted.peakMb.toFixed(1),
    sequential_ratio_to_ideal: +(sequential.ms / idealMs).toFixed(2),
    duplicate_jobs: duplicates,
    load_average: +os.loadavg()[0].toFixed(2),
    rejections_429: rejections,
    result_mb: +(resultBytes / 2 ** 20).toFixed(1),
    download_peak_mb: +download.peakMb.toFixed(1),
    collect_peak_mb: +collect.peakMb.toFixed(1),
    collect_peak_mb_max: +collects[2].peakMb.toFixed(1),
    within_goal:
      submitted.ms / idealMs <= 1.2 &&
      rejections === 0 &&
      duplicates === 0 &&
      jobs === 204 &&
      resultBytes >= 200 * 2 ** 20 &&
      download.peakMb < 150 &&
      collect.peakMb < 150,
  })}\n`,
);
