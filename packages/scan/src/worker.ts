import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { compileRule } from "./rules/compile.js";
import { scanFileSync } from "./scan-file.js";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol.js";

const request = workerData as WorkerRequest;
const rules = request.specs.map(compileRule);
const response: WorkerResponse = { results: [] };
for (const { file, rules: indexes } of request.files) {
  const options = { contextLines: request.contextLines, maxBytes: request.maxBytes };
  response.results.push({ file, ...scanFileSync(path.join(request.root, file), file, indexes.map((i) => rules[i]!), options) });
}
parentPort!.postMessage(response);
