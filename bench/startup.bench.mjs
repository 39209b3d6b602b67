// Start-up time of `gembatch --help` and `gembatch costs` against `node -e 0`, interleaved in the same
// run so machine noise hits all three alike. Reports medians and ratios; goal: at most 2.5x.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "packages", "cli", "bin", "gembatch.js");
const runs = Number(process.env.BENCH_RUNS ?? 15);
const goal = 2.5;

const project = mkdtempSync(path.join(os.tmpdir(), "gembatch-startup-"));
mkdirSync(path.join(project, ".git"));
mkdirSync(path.join(project, "tmp"));
const ledger = Array.from({ length: 200 }, (_, i) =>
  JSON.stringify({
    time: `2026-11-${String(1 + (i % 20)).padStart(2, "0")}T10:00:00.000Z`,
    command: i % 3 ? "send" : "submit",
    model: "gemini-flash-latest",
    model_version: "gemini-3.8-flash",
    prompt_tokens: 1000,
    cached_tokens: 0,
    output_tokens: 100,
    thinking_tokens: 0,
    total_tokens: 1100,
    cost: 0.001,
  }),
).join("\n");
writeFileSync(path.join(project, "tmp", "gembatch_cost_ledger.jsonl"), `${ledger}\n`);

const cases = {
  "node -e 0": [process.execPath, ["-e", "0"]],
  "gembatch --help": [process.execPath, [bin, "--help"]],
  "gembatch costs": [process.execPath, [bin, "costs"]],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const [name, [cmd, args]] of Object.entries(cases)) spawnSync(cmd, args, { cwd: project }); // warm the compile cache
for (let i = 0; i < runs; i++) {
  for (const [name, [cmd, args]] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    const result = spawnSync(cmd, args, { cwd: project, encoding: "utf8" });
    times[name].push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
  }
}
rmSync(project, { recursive: true, force: true });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const base = median(times["node -e 0"]);
const rows = Object.keys(cases).map((name) => ({
  name,
  median_ms: median(times[name]),
  ratio: median(times[name]) / base,
}));
process.stdout.write(
  `runs per case: ${runs}\n${"case".padEnd(18)} ${"median ms".padStart(10)} ${"ratio".padStart(7)}\n`,
);
for (const r of rows)
  process.stdout.write(
    `${r.name.padEnd(18)} ${r.median_ms.toFixed(1).padStart(10)} ${r.ratio.toFixed(2).padStart(7)}\n`,
  );
const worst = Math.max(...rows.slice(1).map((r) => r.ratio));
process.stdout.write(
  `${JSON.stringify({ bench: "startup", runs, node_ms: +base.toFixed(1), help_ms: +rows[1].median_ms.toFixed(1), costs_ms: +rows[2].median_ms.toFixed(1), help_ratio: +rows[1].ratio.toFixed(2), costs_ratio: +rows[2].ratio.toFixed(2), goal_ratio: goal, within_goal: worst <= goal })}\n`,
);
