import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { compileRule } from "./rules/compile.js";
import { readForScanSync, scanText } from "./scan-file.js";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol.js";

const request = workerData as WorkerRequest;
const rules = request.specs.map(compileRule);
const response: WorkerResponse = { results: [] };
for (const { file, rules: indexes } of request.files) {
  const outcome = readForScanSync(path.join(request.root, file), request.maxBytes);
  if ("skip" in outcome) response.results.push({ file, skip: outcome.skip });
  else response.results.push({ file, scan: scanText(file, outcome.text, indexes.map((i) => rules[i]!), { contextLines: request.contextLines }) });
}
parentPort!.postMessage(response);
