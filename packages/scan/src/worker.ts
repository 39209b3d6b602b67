import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { compileRule } from "./rules/compile.js";
import { scanFileSync } from "./scan-file.js";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol.js";

/** Results go to the main thread in batches, so a worker's heap holds little and stays small. */
const BATCH_FILES = 500;

const request = workerData as WorkerRequest;
const rules = request.specs.map(compileRule);
const options = { contextLines: request.contextLines, maxBytes: request.maxBytes };
let batch: WorkerResponse = { results: [], clean: 0, done: false };
request.files.forEach(({ file, rules: indexes }, i) => {
  const outcome = scanFileSync(
    path.join(request.root, file),
    file,
    indexes.map((index) => rules[index]!),
    options,
  );
  if (
    "scan" in outcome &&
    outcome.scan.findings.length === 0 &&
    outcome.scan.suppressed === 0 &&
    outcome.scan.filtered === 0
  )
    batch.clean++;
  else batch.results.push({ file, ...outcome });
  if ((i + 1) % BATCH_FILES === 0) {
    parentPort!.postMessage(batch);
    batch = { results: [], clean: 0, done: false };
  }
});
parentPort!.postMessage({ ...batch, done: true });
