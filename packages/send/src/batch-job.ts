import { existsSync, readFileSync } from "node:fs";
import type { BatchJob, GenerateContentResponse, GoogleGenAI, InlinedRequest } from "@google/genai";
import { withRetry, type Clock, type RetryPolicy } from "@gembatch/core";
import type { BuiltRequest } from "./prompt.js";
import { writeJson } from "./run-dir.js";

export const JOBS_FILE = "batch_jobs.json";

/** What a run directory remembers about its batch jobs, so a restart adopts a job instead of paying twice. */
export interface JobEntry {
  display_name: string;
  name: string | null;
  /** Request key → file to fix. */
  keys: Record<string, string>;
  created_at: string;
  state: string;
  consumed: boolean;
  input_file?: string;
}

export function readJobs(file: string): JobEntry[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { jobs?: JobEntry[] };
    return Array.isArray(parsed.jobs) ? parsed.jobs : [];
  } catch {
    return [];
  }
}

export function saveJobs(file: string, jobs: JobEntry[]): void {
  writeJson(file, { jobs });
}

const TERMINAL_STATES = new Set([
  "JOB_STATE_SUCCEEDED",
  "JOB_STATE_PARTIALLY_SUCCEEDED",
  "JOB_STATE_FAILED",
  "JOB_STATE_CANCELLED",
  "JOB_STATE_EXPIRED",
]);
export const SUCCEEDED_STATES = new Set(["JOB_STATE_SUCCEEDED", "JOB_STATE_PARTIALLY_SUCCEEDED"]);

export interface JobDeps {
  client: GoogleGenAI;
  clock: Clock;
  signal: AbortSignal;
  retryPolicy?: Partial<RetryPolicy>;
}

/** The request as the REST API spells it, for a JSONL input line. */
export function restRequest(request: BuiltRequest): Record<string, unknown> {
  const { systemInstruction, cachedContent, maxOutputTokens, temperature, thinkingConfig } = request.config;
  return {
    contents: request.contents,
    ...(typeof systemInstruction === "string" ? { systemInstruction: { parts: [{ text: systemInstruction }] } } : {}),
    ...(cachedContent ? { cachedContent } : {}),
    generationConfig: {
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(thinkingConfig === undefined ? {} : { thinkingConfig }),
    },
  };
}

export function jsonlInput(rows: Array<{ key: string; request: BuiltRequest }>): string {
  return rows.map((row) => JSON.stringify({ key: row.key, request: restRequest(row.request) })).join("\n") + "\n";
}

export function inlinedRequests(rows: Array<{ key: string; request: BuiltRequest }>): InlinedRequest[] {
  return rows.map((row) => ({
    contents: row.request.contents,
    config: row.request.config,
    metadata: { key: row.key },
  }));
}

async function findByDisplayName(client: GoogleGenAI, displayName: string): Promise<BatchJob | undefined> {
  const pager = await client.batches.list({ config: { pageSize: 100 } });
  let seen = 0;
  for await (const job of pager) {
    if (job.displayName === displayName) return job;
    if (++seen >= 1000) break;
  }
  return undefined;
}

/**
 * Create the job, or adopt the one an earlier attempt may have created: creation is not idempotent,
 * so after any failed attempt (a timeout may have succeeded server-side) the display name is looked up first.
 */
export async function createOrAdopt(
  deps: JobDeps,
  options: {
    model: string;
    displayName: string;
    src: InlinedRequest[] | string;
    lookFirst: boolean;
    onRetry?: (event: unknown) => void;
  },
): Promise<BatchJob> {
  const { value } = await withRetry(
    async (attempt) => {
      if (options.lookFirst || attempt > 1) {
        const existing = await findByDisplayName(deps.client, options.displayName);
        if (existing) return existing;
      }
      return deps.client.batches.create({
        model: options.model,
        src: options.src,
        config: { displayName: options.displayName, abortSignal: deps.signal },
      });
    },
    {
      policy: deps.retryPolicy,
      clock: deps.clock,
      signal: deps.signal,
      context: `batch ${options.displayName}`,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    },
  );
  return value;
}

/** Poll until the job reaches a final state; an abort (Ctrl-C) ends the wait, not the job. */
export async function waitForJob(
  deps: JobDeps,
  name: string,
  options: { pollIntervalMs: number; onState?(job: BatchJob): void },
): Promise<BatchJob> {
  for (;;) {
    const { value: job } = await withRetry(
      () => deps.client.batches.get({ name, config: { abortSignal: deps.signal } }),
      {
        policy: deps.retryPolicy,
        clock: deps.clock,
        signal: deps.signal,
        context: `batch ${name}`,
      },
    );
    options.onState?.(job);
    if (job.state && TERMINAL_STATES.has(job.state)) return job;
    await deps.clock.sleep(options.pollIntervalMs, deps.signal);
  }
}

export interface RowResult {
  response?: GenerateContentResponse;
  error?: { code?: number; message?: string };
}

/** Results by key, from inlined responses or a responses file (kept at `outputFile`); never matched by position. */
export async function jobResults(deps: JobDeps, job: BatchJob, outputFile: string): Promise<Map<string, RowResult>> {
  const rows = new Map<string, RowResult>();
  for (const item of job.dest?.inlinedResponses ?? []) {
    const key = item.metadata?.key;
    if (key !== undefined)
      rows.set(key, {
        ...(item.response ? { response: item.response } : {}),
        ...(item.error ? { error: item.error } : {}),
      });
  }
  const fileName = job.dest?.fileName;
  if (fileName) {
    await deps.client.files.download({ file: fileName, downloadPath: outputFile });
    for (const line of readFileSync(outputFile, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const parsed = JSON.parse(line) as {
        key?: string;
        response?: GenerateContentResponse;
        error?: RowResult["error"];
        status?: RowResult["error"];
      };
      if (parsed.key === undefined) continue;
      const error = parsed.error ?? parsed.status;
      rows.set(parsed.key, { ...(parsed.response ? { response: parsed.response } : {}), ...(error ? { error } : {}) });
    }
  }
  return rows;
}
