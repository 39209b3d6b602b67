import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { CliError } from "@gembatch/core";
import type { BatchFile } from "./state.js";

interface InputScan {
  files: BatchFile[];
  problems: string[];
  totalRequests: number;
}

function textOf(request: Record<string, unknown>): string {
  // Only the text of the request counts toward the enqueued-token estimate.
  let out = "";
  const visit = (value: unknown) => {
    if (typeof value === "string") out += value;
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) if (k === "text" || typeof v === "object") visit(v);
  };
  visit(request.contents);
  visit(request.systemInstruction ?? request.system_instruction);
  return out;
}

function checkLine(line: string): { key?: string; problem?: string; text?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { problem: "not valid JSON" };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    return { problem: "expected a JSON object with key and request" };
  const { key, request } = parsed as { key?: unknown; request?: unknown };
  if (typeof key !== "string" || key.trim() === "") return { problem: "key: expected a non-empty string" };
  if (!request || typeof request !== "object" || Array.isArray(request))
    return { key, problem: "request: expected an object (a GenerateContentRequest)" };
  const contents = (request as { contents?: unknown }).contents;
  if (!Array.isArray(contents) || contents.length === 0)
    return { key, problem: "request.contents: expected a non-empty array" };
  for (const [i, content] of contents.entries()) {
    const parts = (content as { parts?: unknown })?.parts;
    if (!Array.isArray(parts) || parts.length === 0)
      return { key, problem: `request.contents[${i}].parts: expected a non-empty array` };
  }
  return { key, text: textOf(request as Record<string, unknown>) };
}

/** `*.jsonl` files of a directory, numbered 1..N in name order (the seed's batch numbers). */
export function listInputFiles(dir: string, label = dir): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError("FILE_NOT_FOUND", `dir: directory not found: ${label}`, {
      hint: "point --dir at the folder holding the *.jsonl request files",
    });
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (files.length === 0)
    throw new CliError("BAD_INPUT", `dir: no *.jsonl files in ${label}`, {
      hint: 'each input file holds one {"key", "request"} object a line',
    });
  return files;
}

/**
 * Read every line of every input file once (streaming): check its shape, that keys are unique across
 * all files, and compute each file's hash, request count and token estimate. Nothing is sent before this passes.
 */
export async function scanInputs(dir: string, files: string[], maxProblems = 20): Promise<InputScan> {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  const out: BatchFile[] = [];
  let totalRequests = 0;
  for (const name of files) {
    const full = path.join(dir, name);
    const hash = createHash("sha256");
    let requests = 0;
    let chars = 0;
    let lineNo = 0;
    const stream = createReadStream(full);
    stream.on("data", (chunk) => hash.update(chunk));
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      lineNo += 1;
      if (line.trim() === "") continue;
      const checked = checkLine(line);
      if (checked.problem) {
        if (problems.length < maxProblems) problems.push(`${name}:${lineNo}: ${checked.problem}`);
        continue;
      }
      const where = `${name}:${lineNo}`;
      const earlier = seen.get(checked.key!);
      if (earlier) {
        if (problems.length < maxProblems) problems.push(`${where}: key "${checked.key}" already used at ${earlier}`);
        continue;
      }
      seen.set(checked.key!, where);
      requests += 1;
      chars += checked.text!.length;
    }
    if (requests === 0 && problems.length < maxProblems) problems.push(`${name}: no requests`);
    totalRequests += requests;
    out.push({
      file: name,
      sha256: hash.digest("hex"),
      requests,
      bytes: statSync(full).size,
      estimated_tokens: Math.ceil(chars / 4),
    });
  }
  return { files: out, problems, totalRequests };
}

/** Deterministic job name: the same file in the same project always gets the same one. */
export function displayNameFor(prefix: string, batch: number, sha256: string): string {
  return `${prefix}-b${String(batch).padStart(4, "0")}-${sha256.slice(0, 12)}`;
}
