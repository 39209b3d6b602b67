// Bench: what one file costs to fix by each route, from ONE run's usage. 200 files with a logger.bind
// finding go through `scan-and-fix --via batch --wait` against the emulator (real SDK, real HTTP, no verify
// command); the tokens each batch row used (prompt, cached, output, from the cost ledger the run wrote) are
// then priced three ways with core's price table: at batch rates (what the run was charged), at sync rates
// (the baseline: the same requests over generateContent), and at sync rates with explicit caching of the
// shared context (the report and instructions every request starts with: read from cache after its creation,
// plus its creation and an hour of storage, spread over the files). Printed side by side as ratios to sync;
// not a timing. Imports the BUILT packages (run `pnpm build` first).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (pkg) => pathToFileURL(path.join(root, "packages", pkg, "dist", "index.js")).href;
if (!existsSync(fileURLToPath(dist("apply")))) {
  process.stderr.write("bench: packages/apply/dist is missing; build first (pnpm build)\n");
  process.exit(2);
}
const { runScanAndFix } = await import(dist("apply"));
// The options the batch e2e tests build too (plain .mjs in the test utilities, so node loads it without a build).
const { scanAndFixDefaults } = await import(
  pathToFileURL(path.join(root, "packages", "test-utils", "src", "run-options.mjs")).href
);
const { startEmulator } = await import(dist("emulator"));
const { createBatchApi } = await import(dist("submit"));
const { shouldCache, SYSTEM_INSTRUCTION } = await import(dist("send"));
const {
  cacheStorageCost,
  computeCost,
  createGeminiClient,
  createManualClock,
  defaultPricing,
  resolveGenerationSettings,
  roundUsd,
} = await import(dist("core"));

const FILES = Number(process.env.BENCH_FILES ?? 200);
const MODEL = process.env.BENCH_MODEL ?? "gemini-3.8-flash";
const KEY = "bench-key";
const work = mkdtempSync(path.join(os.tmpdir(), "gembatch-batch-fix-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

const name = (i) => `svc/handler_${String(i).padStart(3, "0")}.py`;
const body = (i) => Array.from({ length: 8 }, (_, j) => `    value_${j} = compute(${i}, ${j})`).join("\n");
const original = (i) =>
  `from log import logger\n\n\ndef handler_${i}(request):\n    logger.bind(request_id=request.id).info("start")\n${body(i)}\n    return value_0\n`;
const fixed = (i) =>
  original(i).replace(
    'logger.bind(request_id=request.id).info("start")',
    'logger.info("start", request_id=request.id)',
  );

mkdirSync(path.join(work, ".git"));
mkdirSync(path.join(work, "svc"));
for (let i = 1; i <= FILES; i++) writeFileSync(path.join(work, name(i)), original(i));
const script = Array.from({ length: FILES }, (_, k) => {
  const file = name(k + 1);
  return {
    match: { text: `FILE TO FIX: ${file}` },
    reply: {
      text: `<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\n${fixed(k + 1)}\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`,
    },
  };
});

const emu = await startEmulator({
  apiKey: KEY,
  script,
  batch: { pendingMs: 0, runningMs: 0 },
  record: { maxEntries: 10 },
});
const ledgerFile = path.join(work, "tmp", "ledger.jsonl");
const result = await runScanAndFix(
  {
    ...scanAndFixDefaults(work),
    scanConfig: undefined,
    verify: [],
    escalationModel: MODEL,
    allowDirty: true,
    settings: resolveGenerationSettings({ max_tokens: 4096 }, { model: MODEL }),
    via: "batch",
    wait: true,
    pollIntervalMs: 10,
  },
  {
    createClient: async () => createGeminiClient({ apiKey: KEY, baseUrl: emu.url }),
    batchApi: createBatchApi(async () => createGeminiClient({ apiKey: KEY, baseUrl: emu.url }), {
      baseUrl: emu.url,
      apiKey: () => KEY,
    }),
    clock: createManualClock(Date.now()),
    ledgerFile,
  },
);
await emu.close();
if (result.files_fixed !== FILES)
  throw new Error(
    `expected ${FILES} files fixed, got ${result.files_fixed} (${JSON.stringify(result.warnings ?? [])})`,
  );

const rows = readFileSync(ledgerFile, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l))
  .filter((r) => r.batch === true);
const report = readFileSync(path.join(work, result.reports[0].report_file), "utf8");
const cache = shouldCache({ enabled: true, files: rows.length, report, model: MODEL, pricing: defaultPricing });
const at = Date.now();
const price = (row, options) =>
  computeCost(
    {
      model: row.model_version ?? MODEL,
      usage: {
        promptTokenCount: row.prompt_tokens,
        cachedContentTokenCount: options.cached ?? 0,
        candidatesTokenCount: row.output_tokens,
      },
      at,
      batch: options.batch,
    },
    defaultPricing,
  ).cost;
const sum = (values) => values.reduce((a, b) => a + b, 0);
const sync = sum(rows.map((r) => price(r, { batch: false })));
const batch = sum(rows.map((r) => r.cost));
const batchRepriced = sum(rows.map((r) => price(r, { batch: true })));
const cacheCreation = computeCost({ model: MODEL, usage: { promptTokenCount: cache.tokens }, at }, defaultPricing).cost;
const cacheStorage = cacheStorageCost(MODEL, cache.tokens, 1, at, defaultPricing);
const cached =
  sum(rows.map((r) => price(r, { batch: false, cached: Math.min(cache.tokens, r.prompt_tokens) }))) +
  cacheCreation +
  cacheStorage;

const perFile = (total) => roundUsd(total / rows.length);
const table = [
  ["route", "USD per file", "ratio to sync"],
  ["sync (generateContent)", `$${(sync / rows.length).toFixed(6)}`, "1.000"],
  ["batch (--via batch, this run)", `$${(batch / rows.length).toFixed(6)}`, (batch / sync).toFixed(3)],
  ["sync with explicit caching", `$${(cached / rows.length).toFixed(6)}`, (cached / sync).toFixed(3)],
];
process.stdout.write(
  `${FILES} files, model ${MODEL}; per request: ~${Math.round(sum(rows.map((r) => r.prompt_tokens)) / rows.length)} prompt tokens (~${cache.tokens} of them the shared report${cache.cache ? "" : ", below the cache minimum"}), ~${Math.round(sum(rows.map((r) => r.output_tokens)) / rows.length)} output tokens\n`,
);
for (const [a, b, c] of table)
  process.stdout.write(`${String(a).padEnd(32)} ${String(b).padStart(12)} ${String(c).padStart(14)}\n`);
process.stdout.write(
  `${JSON.stringify({
    bench: "batch-fix",
    files: FILES,
    rows: rows.length,
    model: MODEL,
    usd_per_file: { sync: perFile(sync), batch: perFile(batch), sync_with_cache: perFile(cached) },
    ratio_to_sync: { batch: Number((batch / sync).toFixed(4)), sync_with_cache: Number((cached / sync).toFixed(4)) },
    batch_ledger_matches_price_table: Math.abs(batch - batchRepriced) < 1e-6,
    shared_tokens: cache.tokens,
    cache_applies: cache.cache,
  })}\n`,
);
