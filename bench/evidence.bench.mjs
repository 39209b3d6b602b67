// The evidence a failed verify sends back, on 5,000-line runner outputs with 30 failing tests scattered
// among passing ones (node --test's TAP, pytest -v). Baseline in the same run: what was sent before the
// runners were recognised, the failure-pattern lines and the head and tail of the output within 4 KB
// (the old trim). Figures: failing tests named (of 30), the size sent, and the time to compare the two
// runs and render (median of the runs). Goals: every failing test named within the retry budget
// (1,500 tokens, about 6,000 characters), and under 50 ms for a 5,000-line output.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "packages", "apply", "dist", "index.js");
if (!existsSync(entry)) {
  process.stderr.write("bench: packages/apply/dist is missing; build first (pnpm build)\n");
  process.exit(2);
}
const { compareRuns, renderVerifyEvidence, trimOutput, RETRY_EVIDENCE_TOKENS } = await import(
  pathToFileURL(entry).href
);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const FAILING = Array.from({ length: 30 }, (_, k) => (k + 1) * 37);
const PROJECT = "/project";

// The generators the evidence tests use too (plain .mjs beside apply's test helpers, so node loads it).
const { commandRun, pytestOutput, tapOutput } = await import(
  pathToFileURL(path.join(root, "packages", "apply", "test", "helpers", "runner-output.mjs")).href
);
const tap = (failing) => ({
  output: tapOutput(1_200, new Set(failing), PROJECT),
  named: (text, i) => text.includes(`case ${i} keeps`),
});
const pytest = (failing) => ({
  output: pytestOutput(4_800, new Set(failing)),
  named: (text, i) => new RegExp(`test_case_${i}\\b`).test(text),
});

// The failure pattern used before the runners were recognised, for the baseline.
const OLD_FAILURE_LINE =
  /(error|errors|exception)\b|\b(fail|failed|failure|failures|traceback|panic\w*|fatal|denied|not found|cannot)\b|\bassert\w*|\b[EF]\d{3,4}\b/i;
const run = (output, exit) => commandRun(output, exit, { command: "check", duration_ms: 1 });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const rows = [];
for (const [label, make] of [
  ["node --test (TAP)", tap],
  ["pytest -v", pytest],
]) {
  const { output, named } = make(FAILING);
  const passing = make([]).output;
  const lines = output.split("\n").length;
  const times = { evidence: [], baseline: [] };
  let evidence = "";
  let baseline = "";
  for (let r = 0; r < RUNS; r++) {
    let start = performance.now();
    const failure = compareRuns(run(passing, 0), run(output, 1), { projectRoot: PROJECT });
    evidence = renderVerifyEvidence([failure], { file: "src/ledger.js", budgetTokens: RETRY_EVIDENCE_TOKENS });
    times.evidence.push(performance.now() - start);
    start = performance.now();
    const known = new Set(passing.split("\n"));
    const fresh = output
      .split("\n")
      .filter((line) => !known.has(line) && OLD_FAILURE_LINE.test(line))
      .slice(0, 20);
    baseline = trimOutput(output, { failing: fresh, maxBytes: 4096 });
    times.baseline.push(performance.now() - start);
  }
  const count = (text) => FAILING.filter((i) => named(text, i)).length;
  rows.push({
    output: label,
    lines,
    evidence_named: count(evidence),
    baseline_named: count(baseline),
    evidence_chars: evidence.length,
    baseline_chars: baseline.length,
    evidence_ms: Number(median(times.evidence).toFixed(1)),
    baseline_ms: Number(median(times.baseline).toFixed(1)),
  });
}

process.stdout.write(
  `${"output".padEnd(20)} ${"lines".padStart(6)} ${"named (of 30)".padStart(22)} ${"chars sent".padStart(18)} ${"ms (median)".padStart(18)}\n`,
);
process.stdout.write(
  `${"".padEnd(20)} ${"".padStart(6)} ${"evidence / baseline".padStart(22)} ${"evidence / baseline".padStart(18)} ${"evidence / baseline".padStart(18)}\n`,
);
for (const r of rows)
  process.stdout.write(
    `${r.output.padEnd(20)} ${String(r.lines).padStart(6)} ${`${r.evidence_named} / ${r.baseline_named}`.padStart(22)} ${`${r.evidence_chars} / ${r.baseline_chars}`.padStart(18)} ${`${r.evidence_ms} / ${r.baseline_ms}`.padStart(18)}\n`,
  );
const ok = rows.every(
  (r) => r.evidence_named === FAILING.length && r.evidence_chars <= RETRY_EVIDENCE_TOKENS * 4 && r.evidence_ms < 50,
);
process.stdout.write(`${JSON.stringify({ bench: "evidence", ok, rows })}\n`);
process.exitCode = ok ? 0 : 1;
