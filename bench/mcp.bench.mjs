// Start-up of `gembatch mcp`: from spawn to the answer to `initialize`, against `node -e 0` (spawn to
// exit), interleaved in the same run so machine noise hits both alike. Medians and their ratio;
// goal: at most 2.5x. Command packages are loaded on the first tools/list or tools/call, not here.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "packages", "cli", "bin", "gembatch.js");
const runs = Number(process.env.BENCH_RUNS ?? 15);
const goal = 2.5;
const project = mkdtempSync(path.join(os.tmpdir(), "gembatch-mcp-bench-"));
mkdirSync(path.join(project, ".git"));
const initialize = `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } } })}\n`;

function nodeBaseline() {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["-e", "0"]);
  if (result.status !== 0) throw new Error("node -e 0 failed");
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Milliseconds from spawn to the first stdout line (the initialize result); then the server is closed. */
function serverStart() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, "mcp"], {
      cwd: project,
      stdio: ["pipe", "pipe", "ignore"],
      env: { ...process.env, CI: "1" },
    });
    let out = "";
    let elapsed;
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (elapsed === undefined && out.includes("\n")) {
        elapsed = Number(process.hrtime.bigint() - start) / 1e6;
        if (!JSON.parse(out.split("\n")[0]).result?.serverInfo) reject(new Error(`not an initialize result: ${out}`));
        child.stdin.end();
      }
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      elapsed === undefined ? reject(new Error(`gembatch mcp exited ${code} before answering`)) : resolve(elapsed),
    );
    child.stdin.write(initialize);
  });
}

const times = { "node -e 0": [], "gembatch mcp initialize": [] };
nodeBaseline();
await serverStart(); // warm the file cache
for (let i = 0; i < runs; i++) {
  times["node -e 0"].push(nodeBaseline());
  times["gembatch mcp initialize"].push(await serverStart());
}
rmSync(project, { recursive: true, force: true });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const base = median(times["node -e 0"]);
const server = median(times["gembatch mcp initialize"]);
process.stdout.write(
  `runs per case: ${runs}\n${"case".padEnd(26)} ${"median ms".padStart(10)} ${"ratio".padStart(7)}\n`,
);
for (const [name, xs] of Object.entries(times))
  process.stdout.write(
    `${name.padEnd(26)} ${median(xs).toFixed(1).padStart(10)} ${(median(xs) / base).toFixed(2).padStart(7)}\n`,
  );
process.stdout.write(
  `${JSON.stringify({ bench: "mcp", runs, node_ms: +base.toFixed(1), initialize_ms: +server.toFixed(1), ratio: +(server / base).toFixed(2), goal_ratio: goal, within_goal: server / base <= goal })}\n`,
);
process.exitCode = server / base <= goal ? 0 : 1;
