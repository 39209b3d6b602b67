// `gembatch send` throughput against a quota, with the seed's one-at-a-time sending as the baseline.
// 1. As specified, in real time: 300 files, 200 ms reply latency, a 600 requests/minute quota on the
//    emulator and the same 600 rpm on the client's limiter. Measured: wall time of the seed's way
//    (one request at a time) and of gembatch (default concurrency 4), the 429s received, and the rate
//    achieved against the quota ceiling (600 rpm = 30 s for 300 requests when paced at the ceiling).
//    300 requests fit in one minute's quota, so the quota does not bind here: latency × concurrency does.
// 2. Quota-bound, time-compressed ×20 on BOTH sides (emulator timeScale 20; the client's clock, rate
//    limiter and retry waits run on the same scaled clock): 300 files at 60 rpm, 200 emulated ms latency,
//    concurrency 16.
//    Here the limiter decides: the fastest a windowed quota allows is (ceil(N/rpm) − 1) minutes plus one
//    reply; efficiency = that ideal / the wall time (goal ≥ 90%), with zero 429s.
// Imports the BUILT packages (run `pnpm build` first).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { startEmulator } = await import(pathToFileURL(path.join(root, "packages/emulator/dist/index.js")).href);
const { runSend } = await import(pathToFileURL(path.join(root, "packages/send/dist/index.js")).href);
const { createRateLimiter } = await import(pathToFileURL(path.join(root, "packages/core/dist/index.js")).href);
const sdkPath = createRequire(path.join(root, "packages/send/package.json")).resolve("@google/genai");
const { GoogleGenAI } = await import(pathToFileURL(sdkPath).href);

const FILES = Number(process.env.BENCH_FILES ?? 300);
const LATENCY_MS = 200;
const QUOTA_RPM = 600;
const KEY = "bench-key";
const MODEL = "gemini-2.5-flash";

function project(files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-send-bench-"));
  mkdirSync(path.join(dir, ".git"));
  mkdirSync(path.join(dir, "src"));
  mkdirSync(path.join(dir, "tmp", "issues"), { recursive: true });
  const names = Array.from({ length: files }, (_, i) => `src/f${String(i + 1).padStart(3, "0")}.py`);
  for (const name of names) writeFileSync(path.join(dir, name), `def f():\n    return ${name.length}\n`);
  const report = [
    "# Issue Report: bench",
    "",
    "## Files to Fix",
    ...names.map((n, i) => `${i + 1}. ${n}`),
    "",
    "## Issue Details",
    "Return 0.",
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "tmp", "issues", "fix_bench.md"), report);
  const script = names.map((name) => ({
    match: { text: `FILE TO FIX: ${name}` },
    reply: {
      text: `<!-- CODE_FILE_START: ${name} -->\n\`\`\`python\ndef f():\n    return 0\n\`\`\`\n<!-- CODE_FILE_END: ${name} -->\n`,
      delayMs: LATENCY_MS,
    },
  }));
  return { dir, names, script };
}

/** A client clock running `scale` times faster than real time, in step with the emulator's timeScale. */
function scaledClock(scale) {
  const realStart = Date.now();
  return {
    now: () => realStart + (Date.now() - realStart) * scale,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new DOMException("This operation was aborted", "AbortError"));
        const onAbort = () => (
          clearTimeout(timer),
          reject(new DOMException("This operation was aborted", "AbortError"))
        );
        const timer = setTimeout(
          () => (signal?.removeEventListener("abort", onAbort), resolve()),
          Math.max(0, ms / scale),
        );
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

async function measure({ label, concurrency, rpm, timeScale = 1, marginMs }) {
  const { dir, names, script } = project(FILES);
  const emu = await startEmulator({ apiKey: KEY, script, quotas: { rpm }, timeScale, record: { maxEntries: 1000 } });
  const client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: emu.url } });
  const clock = scaledClock(timeScale);
  const limiter = createRateLimiter({
    requestsPerMinute: rpm,
    concurrency,
    clock,
    ...(marginMs === undefined ? {} : { marginMs }),
  });
  const options = {
    issueReportFile: "tmp/issues/fix_bench.md",
    filesToFix: names,
    model: MODEL,
    maxTokens: 1024,
    cache: false,
    concurrency,
    cwd: dir,
    projectRoot: dir,
    tmpDir: path.join(dir, "tmp"),
  };
  const started = performance.now();
  const emulatedStart = clock.now();
  const result = await runSend(options, { client, clock, limiter });
  const wallMs = performance.now() - started;
  const emulatedMs = clock.now() - emulatedStart;
  const record = emu.record;
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    label,
    concurrency,
    rpm,
    timeScale,
    wallMs,
    emulatedMs,
    succeeded: result.files_succeeded,
    calls: record.counts.generateContent ?? 0,
    received429: record.statuses.generateContent?.["429"] ?? 0,
  };
}

const seed = await measure({ label: "seed: one at a time", concurrency: 1, rpm: QUOTA_RPM });
const ours = await measure({ label: "gembatch (concurrency 4)", concurrency: 4, rpm: QUOTA_RPM });
// ×20: an emulated minute passes in 3 real seconds; a wider limiter margin (1 emulated s = 50 real ms)
// absorbs event-loop jitter, which the compression multiplies by 20.
const QB = { rpm: 60, timeScale: 20 };
const bound = await measure({
  label: `quota-bound ×${QB.timeScale}, ${QB.rpm} rpm`,
  concurrency: 16,
  rpm: QB.rpm,
  timeScale: QB.timeScale,
  marginMs: 1_000,
});

const perMinute = (r) => r.calls / (r.emulatedMs / 60_000);
const ceilingIdealMs = (FILES / QUOTA_RPM) * 60_000;
const boundIdealMs = (Math.ceil(FILES / QB.rpm) - 1) * 60_000 + LATENCY_MS;
const row = (r, note) =>
  `${r.label.padEnd(30)} ${String(r.succeeded).padStart(5)} ${(r.wallMs / 1000).toFixed(1).padStart(7)} ${(r.emulatedMs / 1000).toFixed(1).padStart(10)} ${perMinute(r).toFixed(0).padStart(8)} ${String(r.received429).padStart(5)}  ${note}\n`;
process.stdout.write(`${FILES} files, ${LATENCY_MS} ms reply latency\n`);
process.stdout.write(
  `${"run".padEnd(30)} ${"ok".padStart(5)} ${"wall s".padStart(7)} ${"emulated s".padStart(10)} ${"req/min".padStart(8)} ${"429s".padStart(5)}  vs\n`,
);
process.stdout.write(row(seed, `quota ${QUOTA_RPM} rpm`));
process.stdout.write(
  row(
    ours,
    `${(seed.wallMs / ours.wallMs).toFixed(1)}x the seed; ${((perMinute(ours) / QUOTA_RPM) * 100).toFixed(0)}% of the ${QUOTA_RPM} rpm ceiling (paced ideal ${(ceilingIdealMs / 1000).toFixed(0)} s)`,
  ),
);
process.stdout.write(
  row(
    bound,
    `windowed-quota ideal ${(boundIdealMs / 1000).toFixed(1)} emulated s: ${((boundIdealMs / bound.emulatedMs) * 100).toFixed(1)}% efficiency`,
  ),
);

const result = {
  bench: "send",
  files: FILES,
  latency_ms: LATENCY_MS,
  quota_rpm: QUOTA_RPM,
  seed_wall_s: Math.round(seed.wallMs / 100) / 10,
  gembatch_wall_s: Math.round(ours.wallMs / 100) / 10,
  speedup_vs_seed: Math.round((seed.wallMs / ours.wallMs) * 10) / 10,
  gembatch_req_per_min: Math.round(perMinute(ours)),
  quota_ceiling_pct: Math.round((perMinute(ours) / QUOTA_RPM) * 100),
  received_429: seed.received429 + ours.received429 + bound.received429,
  quota_bound: {
    time_scale: QB.timeScale,
    rpm: QB.rpm,
    wall_s: Math.round(bound.wallMs / 100) / 10,
    emulated_s: Math.round(bound.emulatedMs / 100) / 10,
    ideal_emulated_s: boundIdealMs / 1000,
    efficiency_pct: Math.round((boundIdealMs / bound.emulatedMs) * 1000) / 10,
    received_429: bound.received429,
  },
  all_succeeded: [seed, ours, bound].every((r) => r.succeeded === FILES),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exitCode = result.received_429 === 0 && result.all_succeeded && result.quota_bound.efficiency_pct >= 90 ? 0 : 1;
