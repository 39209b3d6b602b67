// The secret scrubber on a 20 MB text, which it meets on every file gembatch writes and every prompt it
// sends. Baseline in the same run: a plain copy of the text (encoded to UTF-8 and decoded back into a new
// string). Cases: no secret known (only the key shapes), the env key (the usual run: the client factory
// registers the same key), two different env keys; each on a text holding no key and on one holding a
// few in every encoding. Runs are interleaved so machine noise hits all alike. Goal: at most 5x the copy.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const core = path.join(root, "packages", "core", "dist", "index.js");
if (!existsSync(core)) {
  process.stderr.write("bench: packages/core/dist is missing; build first (pnpm build)\n");
  process.exit(2);
}
const { redactSecrets } = await import(pathToFileURL(core).href);
const runs = Number(process.env.BENCH_RUNS ?? 9);
const sizeMb = Number(process.env.BENCH_REDACT_MB ?? 20);
const goal = 5;

const KEY = "AIzaSyBench-0123456789/abcdefghijklmnopq";
const OTHER = "bench-second+secret=0042";

// Source files, JSON state and request dumps: what gembatch's files and prompts are made of.
const lineKinds = [
  (i) => `def handler_${i}(request, context=None):`,
  (i) => `    value = compute(request.payload, offset=${i}, retries=3)  # read the api key from the env`,
  (i) => `    return {"id": ${i}, "key": "req-${i}", "url": "https://h/x?page=${i}&key_id=${i}"}`,
  (i) => `    blob = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo${i}="`,
  (i) => `  "message": "HTTP 503: upstream ${i} unavailable, try again later",`,
];
function makeText(bytes, withKeys) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let line = `${lineKinds[i % lineKinds.length](i)}\n`;
    if (withKeys && i % 20_000 === 0)
      line += `echo ${KEY} ${encodeURIComponent(KEY)} ${JSON.stringify(KEY)} ${Buffer.from(`x-goog-api-key: ${KEY}`).toString("base64")} ${OTHER}\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join("");
}

const texts = { clean: makeText(sizeMb * 1024 * 1024, false), "with keys": makeText(sizeMb * 1024 * 1024, true) };
const cases = {
  "copy (baseline)": (text) => Buffer.from(text, "utf8").toString("utf8").length,
  "shapes only": (text) => redactSecrets(text, {}).length,
  "env key": (text) => redactSecrets(text, { GEMINI_API_KEY: KEY }).length,
  "two env keys": (text) => redactSecrets(text, { GEMINI_API_KEY: KEY, GOOGLE_API_KEY: OTHER }).length,
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rows = [];
for (const [textName, text] of Object.entries(texts)) {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const fn of Object.values(cases)) fn(text); // compile and warm
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(cases)) {
      const start = performance.now();
      fn(text);
      times[name].push(performance.now() - start);
    }
  }
  for (const name of Object.keys(cases)) rows.push({ text: textName, case: name, ms: median(times[name]) });
}
const check = redactSecrets(texts["with keys"], { GEMINI_API_KEY: KEY, GOOGLE_API_KEY: OTHER });
if (check.includes(KEY) || check.includes(encodeURIComponent(KEY)) || check.includes(OTHER))
  throw new Error("bench: a key survived the scrub");

const fmt = (n, d = 1) => n.toFixed(d);
process.stdout.write(`text: ${sizeMb} MB, runs: ${runs} (median)\n`);
process.stdout.write(
  `${"text".padEnd(10)} ${"case".padEnd(22)} ${"ms".padStart(8)} ${"MB/s".padStart(8)} ${"x copy".padStart(7)}\n`,
);
for (const r of rows) {
  const copy = rows.find((c) => c.text === r.text && c.case === "copy (baseline)").ms;
  process.stdout.write(
    `${r.text.padEnd(10)} ${r.case.padEnd(22)} ${fmt(r.ms).padStart(8)} ${fmt(sizeMb / (r.ms / 1000), 0).padStart(8)} ${fmt(r.ms / copy, 2).padStart(7)}\n`,
  );
}
const worst = Math.max(
  ...rows
    .filter((r) => r.case !== "copy (baseline)")
    .map((r) => r.ms / rows.find((c) => c.text === r.text && c.case === "copy (baseline)").ms),
);
const pick = (text, name) => +fmt(rows.find((r) => r.text === text && r.case === name).ms);
const summary = {
  bench: "redact",
  runs,
  mb: sizeMb,
  copy_ms: pick("clean", "copy (baseline)"),
  shapes_ms: pick("clean", "shapes only"),
  env_key_ms: pick("clean", "env key"),
  two_keys_ms: pick("clean", "two env keys"),
  two_keys_with_hits_ms: pick("with keys", "two env keys"),
  worst_ratio_to_copy: +fmt(worst, 2),
  goal_ratio: goal,
  within_goal: worst <= goal,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
