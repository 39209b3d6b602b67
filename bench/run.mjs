// Runs every bench/*.bench.mjs (or those named on the command line) one after another, in separate
// processes, and prints each one's final JSON line in a summary. Benches use the built packages.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
if (!existsSync(path.join(here, "..", "packages", "cli", "dist", "main.js"))) {
  process.stderr.write("bench: the packages are not built; run the set-up (pnpm install) or pnpm build first\n");
  process.exit(2);
}
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
const results = [];
for (const bench of benches) {
  process.stdout.write(`\n=== ${bench}\n`);
  const run = spawnSync(process.execPath, [path.join(here, bench)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout ?? "");
  const last = (run.stdout ?? "")
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  results.push({ bench, status: run.status, result: last ? JSON.parse(last) : null });
}
process.stdout.write("\n=== summary\n");
for (const r of results)
  process.stdout.write(
    `${r.status === 0 ? "ok  " : "FAIL"} ${r.bench.padEnd(24)} ${r.result ? JSON.stringify(r.result) : "(no result line)"}\n`,
  );
process.exitCode = results.every((r) => r.status === 0) ? 0 : 1;
