// Bench: what `gembatch apply` costs on top of the verify commands it runs. 200 files, each with a
// logger.bind finding and an extracted fix, applied with a verify command that does nothing (`true`).
// Baselines measured in the same run: the seed's step 5 (`cp` of each extracted file, no checks at all),
// the verify floor (the same spawns alone: apply runs the check before and after each change) and the
// durability floor (the fsync'd writes crash safety needs per file: the state saved, with its .bak,
// before the file is written and after it is confirmed, and the file itself, written atomically).
// Apply's own work is everything beyond the verify spawns: the sha256 check, the diff and .patch, the
// re-scan, the backup, the logs, and those durable writes. Goal: under 50 ms per file, so that even the
// cheapest real verify command (a Python or Node start-up, tens of ms, run twice) dominates.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (pkg, file = "index.js") => pathToFileURL(path.join(root, "packages", pkg, "dist", file)).href;
if (!existsSync(fileURLToPath(dist("apply")))) {
  process.stderr.write("bench: packages/apply/dist is missing; build first (pnpm build)\n");
  process.exit(2);
}
const { runApply, runCommand } = await import(dist("apply"));
const { ApplyStateSchema, newFileState } = await import(dist("apply", "state.js"));
const { createStateStore, writeFileAtomically } = await import(dist("core"));
const FILES = Number(process.env.BENCH_APPLY_FILES ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const GOAL_MS_PER_FILE = 50;
const work = mkdtempSync(path.join(os.tmpdir(), "gembatch-apply-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

const sha = (text) => createHash("sha256").update(text, "utf8").digest("hex");
const body = (i) =>
  Array.from({ length: 120 }, (_, j) => `    value_${j} = compute(${i}, ${j})  # line ${j} of module ${i}`).join("\n");
const original = (i) =>
  `from log import logger\n\n\ndef handler_${i}(request):\n    logger.bind(request_id=request.id).info("start")\n${body(i)}\n    return value_0\n`;
const fixed = (i) =>
  original(i).replace(
    'logger.bind(request_id=request.id).info("start")',
    'logger.info("start", request_id=request.id)',
  );

/** A project as send and extract leave it: the files, a run dir with one meta per file, an extraction. */
function project(name) {
  const dir = path.join(work, name);
  const runDir = path.join(dir, "tmp", "gemini_batch_bench");
  const extracted = path.join(dir, "tmp", "gemini_extracted_bench");
  mkdirSync(path.join(dir, ".git"), { recursive: true });
  mkdirSync(runDir, { recursive: true });
  const files = [];
  for (let i = 1; i <= FILES; i++) {
    const file = `src/mod_${i}.py`;
    for (const [base, text] of [
      [dir, original(i)],
      [extracted, fixed(i)],
    ]) {
      mkdirSync(path.join(base, "src"), { recursive: true });
      writeFileSync(path.join(base, file), text);
    }
    writeFileSync(
      path.join(runDir, `response_${i}_mod_${i}.meta.json`),
      JSON.stringify({ n: i, file_to_fix: file, success: true, sha256_sent: sha(original(i)) }),
    );
    writeFileSync(path.join(runDir, `response_${i}_mod_${i}.md`), "(reply)\n");
    files.push({ path: file, source: path.relative(dir, path.join(runDir, `response_${i}_mod_${i}.md`)) });
  }
  const sources = files.map((f) => ({ response_file: f.source }));
  writeFileSync(
    path.join(extracted, "EXTRACTION_CONTEXT.json"),
    JSON.stringify({ files, refused: [], sources, warnings: [] }),
  );
  return { dir, runDir, extracted };
}

async function timed(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function applyAll(p) {
  const result = await runApply({
    cwd: p.dir,
    projectRoot: p.dir,
    tmpDir: path.join(p.dir, "tmp"),
    extractedDir: p.extracted,
    runDir: p.runDir,
    verify: ["true"],
    verifyTimeoutMs: 60_000,
    rules: ["logger-bind"],
    maxAttempts: 2,
    diffOnly: false,
    resume: false,
    escalate: false,
    escalationModel: "none",
    commit: false,
    allowDirty: false,
    settings: { model: "gemini-2.5-flash", maxTokens: 8192 },
  });
  if (result.files_fixed !== FILES) throw new Error(`bench: ${result.files_fixed} of ${FILES} fixed`);
}

/** The same store apply uses, saving a state of the same shape twice per file, and the file written atomically. */
async function durabilityFloor(p) {
  const store = createStateStore({ file: path.join(p.dir, "floor_state.json"), schema: ApplyStateSchema, version: 1 });
  await store.lock();
  const state = {
    created_at: "",
    updated_at: "",
    finished: false,
    stopped: null,
    extracted_dir: null,
    options: {},
    files: [],
    costs: {},
    failure_report: null,
    escalation_file: null,
  };
  for (let i = 1; i <= FILES; i++) {
    const file = newFileState(`src/mod_${i}.py`, i, ["logger-bind"]);
    state.files.push(file);
    file.phase = "written";
    await store.save(state);
    await writeFileAtomically(path.join(p.dir, `src/mod_${i}.py`), fixed(i));
    Object.assign(file, { phase: "done", status: "fixed" });
    await store.save(state);
  }
  await store.release();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { apply: [], cp: [], spawns: [], durable: [] };
for (let run = 0; run < RUNS; run++) {
  const a = project(`apply-${run}`);
  results.apply.push(await timed(() => applyAll(a)));
  const c = project(`cp-${run}`);
  results.cp.push(
    await timed(async () => {
      for (let i = 1; i <= FILES; i++)
        copyFileSync(path.join(c.extracted, `src/mod_${i}.py`), path.join(c.dir, `src/mod_${i}.py`));
    }),
  );
  results.spawns.push(
    await timed(async () => {
      for (let i = 0; i < FILES * 2; i++)
        await runCommand({ command: "true", file: "x", cwd: c.dir, timeoutMs: 60_000 });
    }),
  );
  results.durable.push(await timed(() => durabilityFloor(c)));
}
const apply = median(results.apply);
const cp = median(results.cp);
const spawns = median(results.spawns);
const durable = median(results.durable);
const ownPerFile = Math.max(0, apply - spawns) / FILES;
const rows = [
  ["gembatch apply (verify: true)", apply],
  ["seed step 5: cp each file", cp],
  ["verify floor: 2 spawns per file", spawns],
  ["durability floor: 2 saves + 1 write", durable],
];
process.stdout.write(`${FILES} files, median of ${RUNS} runs\n`);
for (const [label, ms] of rows)
  process.stdout.write(
    `${label.padEnd(36)} ${ms.toFixed(0).padStart(7)} ms  ${(ms / FILES).toFixed(2).padStart(7)} ms/file\n`,
  );
process.stdout.write(
  `apply's own work (beyond the verify spawns): ${ownPerFile.toFixed(2)} ms/file, ${(durable / FILES).toFixed(2)} of it the durability floor (goal < ${GOAL_MS_PER_FILE})\n`,
);
process.stdout.write(
  `${JSON.stringify({ bench: "apply", files: FILES, apply_ms: Math.round(apply), cp_ms: Math.round(cp), verify_floor_ms: Math.round(spawns), durability_floor_ms: Math.round(durable), own_ms_per_file: Number(ownPerFile.toFixed(2)), goal_ms_per_file: GOAL_MS_PER_FILE, ok: ownPerFile < GOAL_MS_PER_FILE })}\n`,
);
process.exitCode = ownPerFile < GOAL_MS_PER_FILE ? 0 : 1;
