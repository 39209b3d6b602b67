import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import {
  computeCost,
  redactDeep,
  responseText,
  roundUsd,
  tokenCounts,
  type Pricing,
  type UsageMetadata,
} from "@gembatch/core";
import { resultFileName } from "./download.js";
import type { SubmissionState } from "./state.js";

export interface CollectSummary {
  output_file: string;
  resubmit_file: string | null;
  requests: number;
  results: number;
  succeeded: number;
  missing_keys: string[];
  failed_keys: string[];
  truncated_keys: string[];
  duplicate_keys: string[];
  unknown_keys: string[];
  missing_result_files: number[];
  usage: { prompt_tokens: number; cached_tokens: number; output_tokens: number };
  cost: number;
  unpriced_rows: number;
  /** Per batch, for the cost ledger. */
  per_batch: Array<{
    batch: number;
    rows: number;
    prompt_tokens: number;
    cached_tokens: number;
    output_tokens: number;
    thinking_tokens: number;
    cost: number | null;
    model_version: string | null;
  }>;
}

async function* lines(file: string): AsyncGenerator<{ line: string; n: number }> {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    n += 1;
    if (line.trim() !== "") yield { line, n };
  }
}

async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

const LIST_CAP = 1000;
function push(list: string[], key: string): void {
  if (list.length < LIST_CAP) list.push(key);
}

type Row = {
  key?: unknown;
  response?: {
    candidates?: Array<{ finishReason?: string; content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>;
    usageMetadata?: UsageMetadata;
    modelVersion?: string;
    promptFeedback?: { blockReason?: string };
  };
  error?: { code?: number; message?: string; status?: string };
};

/**
 * Merge every downloaded result into one JSONL keyed by request key, streaming both the inputs and the
 * results so memory stays flat whatever their size. Every input key must have exactly one result; rows
 * are matched by key, never by position. Missing, failed and truncated keys go to a resubmission file.
 */
export async function collectResults(options: {
  state: SubmissionState;
  inputDir: string;
  resultsDir: string;
  outFile: string;
  resubmitFile: string;
  pricing: Pricing;
}): Promise<CollectSummary> {
  const { state } = options;
  const keyBatch = new Map<string, number>();
  for (const [n, file] of Object.entries(state.batch_files)) {
    if (!state.submitted_jobs[n]) continue;
    for await (const { line } of lines(path.join(options.inputDir, file.file)))
      keyBatch.set(String((JSON.parse(line) as { key: unknown }).key), Number(n));
  }
  const summary: CollectSummary = {
    output_file: options.outFile,
    resubmit_file: null,
    requests: keyBatch.size,
    results: 0,
    succeeded: 0,
    missing_keys: [],
    failed_keys: [],
    truncated_keys: [],
    duplicate_keys: [],
    unknown_keys: [],
    missing_result_files: [],
    usage: { prompt_tokens: 0, cached_tokens: 0, output_tokens: 0 },
    cost: 0,
    unpriced_rows: 0,
    per_batch: [],
  };
  const seen = new Set<string>();
  const problems = new Set<string>();
  const out = createWriteStream(options.outFile);
  const batches = [...new Set(keyBatch.values())].sort((a, b) => a - b);
  for (const n of batches) {
    const file = path.join(options.resultsDir, resultFileName(n));
    if (!existsSync(file)) {
      summary.missing_result_files.push(n);
      continue;
    }
    const tally = {
      batch: n,
      rows: 0,
      prompt_tokens: 0,
      cached_tokens: 0,
      output_tokens: 0,
      thinking_tokens: 0,
      cost: 0 as number | null,
      model_version: null as string | null,
    };
    summary.per_batch.push(tally);
    for await (const { line } of lines(file)) {
      let row: Row;
      try {
        row = JSON.parse(line) as Row;
      } catch {
        continue;
      }
      const key = String(row.key);
      if (!keyBatch.has(key)) {
        push(summary.unknown_keys, key);
        continue;
      }
      if (seen.has(key)) {
        push(summary.duplicate_keys, key);
        continue;
      }
      seen.add(key);
      summary.results += 1;
      const candidate = row.response?.candidates?.[0];
      const finish =
        candidate?.finishReason ??
        (row.response?.promptFeedback?.blockReason ? `BLOCKED_${row.response.promptFeedback.blockReason}` : null);
      const usage = row.response?.usageMetadata;
      if (usage) {
        const counts = tokenCounts(usage);
        summary.usage.prompt_tokens += counts.prompt;
        summary.usage.cached_tokens += counts.cached;
        summary.usage.output_tokens += counts.output;
        const cost = computeCost(
          { model: row.response?.modelVersion ?? state.model, usage, batch: true },
          options.pricing,
        ).cost;
        if (cost === null) summary.unpriced_rows += 1;
        else summary.cost = roundUsd(summary.cost + cost);
        tally.rows += 1;
        tally.prompt_tokens += counts.prompt;
        tally.cached_tokens += counts.cached;
        tally.output_tokens += counts.output;
        tally.thinking_tokens += counts.thoughts;
        tally.cost = cost === null || tally.cost === null ? null : roundUsd(tally.cost + cost);
        tally.model_version ??= row.response?.modelVersion ?? null;
      }
      let status: "ok" | "failed" | "truncated" = "ok";
      if (row.error || !row.response) status = "failed";
      else if (finish === "MAX_TOKENS") status = "truncated";
      else if (finish !== "STOP" && finish !== null) status = "failed";
      else if (!candidate) status = "failed";
      if (status === "ok") summary.succeeded += 1;
      else {
        problems.add(key);
        push(status === "truncated" ? summary.truncated_keys : summary.failed_keys, key);
      }
      const text = row.response ? responseText(row.response) : null;
      // A row's error is an error body and is scrubbed like every other; the model's text is the
      // user's result and is kept exact (our key never went into a request body, so it cannot be in it).
      const error = row.error ? redactDeep(row.error) : null;
      await write(
        out,
        `${JSON.stringify({ key, batch: n, status, text, finish_reason: finish, usage: usage ?? null, model_version: row.response?.modelVersion ?? null, error })}\n`,
      );
    }
  }
  out.end();
  await once(out, "finish");
  for (const key of keyBatch.keys()) {
    if (!seen.has(key)) {
      problems.add(key);
      push(summary.missing_keys, key);
    }
  }
  if (problems.size > 0) {
    const resubmit = createWriteStream(options.resubmitFile);
    for (const [n, file] of Object.entries(state.batch_files)) {
      if (!state.submitted_jobs[n]) continue;
      for await (const { line } of lines(path.join(options.inputDir, file.file))) {
        if (problems.has(String((JSON.parse(line) as { key: unknown }).key))) await write(resubmit, `${line}\n`);
      }
    }
    resubmit.end();
    await once(resubmit, "finish");
    summary.resubmit_file = options.resubmitFile;
  }
  return summary;
}
