// Throughput and added latency of the Gemini emulator under concurrent generateContent calls from the
// real SDK. Each round fires N calls at once against (a) a bare node:http server that answers a fixed
// response after the same delay (the baseline: SDK + HTTP cost alone) and (b) the emulator with a
// scripted reply of that delay. Each server runs in its own worker thread, so the client's CPU does not
// count against it. Added latency = call latency - configured delay.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 250);
const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 50);
const model = "gemini-2.5-flash";
const emulatorDist = new URL("../packages/emulator/dist/index.js", import.meta.url).href;

const BODY = JSON.stringify({
  candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP", index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
  modelVersion: model,
});

async function serve(kind) {
  if (kind === "emulator") {
    const { startEmulator } = await import(emulatorDist);
    const emu = await startEmulator({
      apiKey: "bench-key",
      record: { maxEntries: 1000 },
      script: [{ reply: { text: "ok", delayMs } }],
    });
    return { url: emu.url, report: () => emu.record, close: () => emu.close() };
  }
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(BODY), delayMs),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    report: () => null,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

if (!isMainThread) {
  const server = await serve(workerData.kind);
  parentPort.postMessage({ url: server.url });
  parentPort.once("message", async () => {
    const record = server.report();
    await server.close();
    parentPort.postMessage({
      statuses: record?.statuses.generateContent ?? null,
      internalErrors: record?.internalErrors.length ?? 0,
    });
  });
} else {
  const sdkPath = createRequire(fileURLToPath(new URL("../packages/emulator/package.json", import.meta.url))).resolve(
    "@google/genai",
  );
  const { GoogleGenAI } = await import(pathToFileURL(sdkPath).href);

  const startWorker = async (kind) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { kind } });
    const [{ url }] = await new Promise((resolve, reject) => {
      worker.once("message", (m) => resolve([m]));
      worker.once("error", reject);
    });
    const stop = async () => {
      const done = new Promise((resolve) => worker.once("message", resolve));
      worker.postMessage("stop");
      const report = await done;
      await worker.terminate();
      return report;
    };
    return { url, stop };
  };

  const round = async (ai, tag, stats) => {
    const calls = Array.from({ length: concurrency }, async (_, i) => {
      const t = performance.now();
      try {
        const r = await ai.models.generateContent({ model, contents: `bench request ${tag}-${i}` });
        if (r.text !== "ok") stats.errors++;
      } catch {
        stats.errors++;
      }
      return performance.now() - t;
    });
    const started = performance.now();
    const times = await Promise.all(calls);
    return { times, wallMs: performance.now() - started };
  };

  const summarize = (stats) => {
    const sorted = [...stats.latencies].sort((a, b) => a - b);
    const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    return {
      requests: sorted.length,
      errors: stats.errors,
      rps: sorted.length / (stats.wallMs / 1000),
      p50: pct(50) - delayMs,
      p99: pct(99) - delayMs,
    };
  };

  const targets = [];
  for (const name of ["baseline", "emulator"]) {
    const worker = await startWorker(name);
    const ai = new GoogleGenAI({ apiKey: "bench-key", httpOptions: { baseUrl: worker.url } });
    targets.push({ name, worker, ai, stats: { latencies: [], errors: 0, wallMs: 0 } });
  }
  // Rounds alternate which server goes first, so JIT warm-up and machine noise hit both alike.
  for (let r = 0; r <= rounds; r++) {
    for (const target of r % 2 ? [...targets].reverse() : targets) {
      const { times, wallMs } = await round(target.ai, r, target.stats);
      if (r === 0) continue; // warm-up: connections, JIT
      target.stats.latencies.push(...times);
      target.stats.wallMs += wallMs;
    }
  }
  const [base, result] = targets.map((t) => summarize(t.stats));
  await targets[0].worker.stop();
  const served = await targets[1].worker.stop();

  const row = (name, r) =>
    `${name.padEnd(10)} ${String(r.requests).padStart(8)} ${String(r.errors).padStart(7)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(12)} ${r.p99.toFixed(1).padStart(12)}\n`;
  process.stdout.write(
    `concurrency ${concurrency}, ${rounds} rounds (+1 warm-up) per server, reply delay ${delayMs} ms\n`,
  );
  process.stdout.write(
    `${"server".padEnd(10)} ${"requests".padStart(8)} ${"errors".padStart(7)} ${"req/s".padStart(8)} ${"added p50 ms".padStart(12)} ${"added p99 ms".padStart(12)}\n`,
  );
  process.stdout.write(row("baseline", base));
  process.stdout.write(row("emulator", result));
  process.stdout.write(
    `emulator statuses: ${JSON.stringify(served.statuses)}, internal errors: ${served.internalErrors}\n`,
  );
  const errors = result.errors + served.internalErrors;
  const round1 = (n) => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: "emulator",
      requests: result.requests,
      errors,
      concurrency,
      rps: Math.round(result.rps),
      delay_ms: delayMs,
      added_latency_p50_ms: round1(result.p50),
      added_latency_p99_ms: round1(result.p99),
      baseline_rps: Math.round(base.rps),
      baseline_added_p50_ms: round1(base.p50),
      baseline_added_p99_ms: round1(base.p99),
    })}\n`,
  );
  process.exitCode = errors === 0 ? 0 : 1;
}
