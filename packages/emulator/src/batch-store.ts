import { toTimestamp, type EmulatorClock } from "./clock.js";
import type { FileStore, StoredFile } from "./files-store.js";
import { notFound } from "./google-errors.js";
import type { BatchRow } from "./batch-input.js";
import { randomId } from "./ids.js";
import type { BatchRecord } from "./record.js";

type BatchOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "EXPIRED";
type BatchState = "PENDING" | "RUNNING" | BatchOutcome;

export interface BatchPlan {
  pendingMs: number;
  runningMs: number;
  outcome: BatchOutcome;
  output: "file" | "inline";
  error: { code?: number | undefined; message?: string | undefined } | undefined;
}

export interface RowResult {
  key: string | undefined;
  metadata: Record<string, unknown> | undefined;
  response?: Record<string, unknown>;
  error?: { code: number; message: string; status: string };
}

export interface BatchJob {
  id: string;
  displayName: string | undefined;
  model: string;
  createTime: number;
  webhookConfig?: Record<string, unknown> | undefined;
  source: { kind: "inline" } | { kind: "file"; fileName: string };
  rows: BatchRow[];
  inputTokens: number;
  /** Why the input file could not be read; the job then FAILS. */
  failure: string | undefined;
  plan: BatchPlan;
  cancelledAt: number | undefined;
  deleted: boolean;
  results: RowResult[] | undefined;
  outputFile: StoredFile | undefined;
}

export interface BatchView {
  state: BatchState;
  updateTime: number;
  endTime: number | undefined;
  /** Rows finished so far (all of them once SUCCEEDED). */
  completed: number;
}

export interface BatchStore {
  create(
    spec: Pick<
      BatchJob,
      "displayName" | "model" | "source" | "rows" | "inputTokens" | "failure" | "plan" | "webhookConfig"
    >,
  ): BatchJob;
  get(id: string): BatchJob;
  list(): BatchJob[];
  view(job: BatchJob): BatchView;
  cancel(id: string): void;
  remove(id: string): void;
  /** Jobs PENDING or RUNNING, and the input tokens they hold for `model`. */
  active(model: string): { count: number; enqueuedTokens: number };
  records(): BatchRecord[];
  reset(): void;
}

const TERMINAL_STATES = new Set<BatchState>(["SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"]);

export function createBatchStore(options: {
  clock: EmulatorClock;
  expireAfterMs: () => number;
  files: FileStore;
  runRows: (job: BatchJob) => RowResult[];
  onOutputFile: (file: StoredFile) => void;
}): BatchStore {
  const { clock } = options;
  let jobs = new Map<string, BatchJob>();

  const finish = (job: BatchJob): void => {
    job.results ??= options.runRows(job);
    if (job.plan.output !== "file" || job.outputFile) return;
    const lines = job.results.map((r) =>
      JSON.stringify({
        ...(r.key !== undefined ? { key: r.key } : {}),
        ...(r.error ? { error: r.error } : { response: r.response }),
      }),
    );
    job.outputFile = options.files.addGenerated({
      id: `batch-${job.id}`,
      mimeType: "application/jsonl",
      data: Buffer.from(lines.length > 0 ? `${lines.join("\n")}\n` : ""),
    });
    options.onOutputFile(job.outputFile);
  };

  const view = (job: BatchJob): BatchView => {
    const now = clock.now();
    const runStart = job.createTime + job.plan.pendingMs;
    const expireAt = job.createTime + options.expireAfterMs();
    if (job.cancelledAt !== undefined) {
      return { state: "CANCELLED", updateTime: job.cancelledAt, endTime: job.cancelledAt, completed: 0 };
    }
    const outcome: BatchOutcome = job.failure ? "FAILED" : job.plan.outcome;
    const endAt =
      outcome === "EXPIRED" ? Number.POSITIVE_INFINITY : job.failure ? runStart : runStart + job.plan.runningMs;
    if (now >= expireAt && expireAt < endAt)
      return { state: "EXPIRED", updateTime: expireAt, endTime: expireAt, completed: 0 };
    if (now < runStart) return { state: "PENDING", updateTime: job.createTime, endTime: undefined, completed: 0 };
    if (now < endAt) {
      const fraction = job.plan.runningMs > 0 ? (now - runStart) / job.plan.runningMs : 1;
      const completed = outcome === "SUCCEEDED" ? Math.min(job.rows.length, Math.floor(job.rows.length * fraction)) : 0;
      if (completed > 0) job.results ??= options.runRows(job);
      return { state: "RUNNING", updateTime: runStart, endTime: undefined, completed };
    }
    if (outcome === "SUCCEEDED") finish(job);
    return {
      state: outcome,
      updateTime: endAt,
      endTime: endAt,
      completed: outcome === "SUCCEEDED" ? job.rows.length : 0,
    };
  };

  const find = (id: string): BatchJob => {
    const job = jobs.get(id);
    if (!job || job.deleted) throw notFound(`Batch batches/${id} not found.`);
    return job;
  };

  return {
    create(spec) {
      // 36 characters, like Google's: the output file id `batch-<id>` then exceeds the Files API's 40-character limit.
      const job: BatchJob = {
        ...spec,
        id: randomId(36),
        createTime: clock.now(),
        cancelledAt: undefined,
        deleted: false,
        results: undefined,
        outputFile: undefined,
      };
      jobs.set(job.id, job);
      return job;
    },
    get: find,
    list() {
      return [...jobs.values()].filter((j) => !j.deleted).sort((a, b) => b.createTime - a.createTime);
    },
    view,
    cancel(id) {
      const job = find(id);
      if (!TERMINAL_STATES.has(view(job).state)) job.cancelledAt = clock.now();
    },
    remove(id) {
      find(id).deleted = true;
    },
    active(model) {
      let count = 0;
      let enqueuedTokens = 0;
      for (const job of jobs.values()) {
        if (job.deleted || TERMINAL_STATES.has(view(job).state)) continue;
        count += 1;
        if (job.model === model) enqueuedTokens += job.inputTokens;
      }
      return { count, enqueuedTokens };
    },
    records() {
      return [...jobs.values()]
        .sort((a, b) => a.createTime - b.createTime)
        .map((job) => {
          const v = view(job);
          return {
            name: `batches/${job.id}`,
            displayName: job.displayName ?? null,
            model: job.model,
            src: job.source.kind === "file" ? { fileName: job.source.fileName } : { inlinedRequests: job.rows.length },
            requestCount: job.rows.length,
            inputTokens: job.inputTokens,
            state: `BATCH_STATE_${v.state}`,
            createTime: toTimestamp(job.createTime),
            ...(v.endTime !== undefined ? { endTime: toTimestamp(v.endTime) } : {}),
            ...(job.outputFile ? { outputFile: `files/${job.outputFile.id}` } : {}),
            ...(job.webhookConfig ? { webhookConfig: job.webhookConfig } : {}),
            cancelled: job.cancelledAt !== undefined,
            deleted: job.deleted,
          };
        });
    },
    reset() {
      jobs = new Map();
    },
  };
}
