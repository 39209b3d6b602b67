import type { ModelQuotaUsage } from "./quotas.js";
import type { GenerationSettingsSeen } from "./validate-request.js";
import type { RouteName } from "./route-table.js";

/** One model call the server answered: a sync request or a batch row. */
interface GenerateRecord {
  at: string;
  route: "generateContent" | "streamGenerateContent" | "batch";
  model: string;
  /** Cached content, system instruction and contents text, one text part a line. */
  prompt: string;
  promptTokens: number;
  /** Batch row key (batch rows only). */
  key?: string;
  /** Batch job name (batch rows only). */
  batch?: string;
  cachedContent?: string;
  /** HTTP status sent (sync) or the row's error code (batch); 200 when a response was produced. */
  status: number;
  finishReason?: string;
  /** Index of the script entry that answered, absent when the default reply was used. */
  scriptEntry?: number;
  /** generationConfig as received: reply limit, temperature, thinking level or budget. */
  settings?: GenerationSettingsSeen;
}

export interface BatchRecord {
  name: string;
  displayName: string | null;
  model: string;
  src: { inlinedRequests: number } | { fileName: string };
  requestCount: number;
  inputTokens: number;
  state: string;
  createTime: string;
  endTime?: string;
  outputFile?: string;
  /** The create call's `batch.webhookConfig`, when it sent one. */
  webhookConfig?: Record<string, unknown>;
  cancelled: boolean;
  deleted: boolean;
}

interface FileRecord {
  name: string;
  displayName: string | null;
  mimeType: string;
  sizeBytes: number;
  source: "UPLOADED" | "GENERATED";
  createTime: string;
  deleted: boolean;
}

interface CacheRecord {
  name: string;
  model: string;
  displayName: string | null;
  tokens: number;
  createTime: string;
  deleted: boolean;
}

interface QuotaRejection {
  at: string;
  route: RouteName;
  model: string | null;
  quotaIds: string[];
  /** `quota` when a configured limit refused the request, `fault` when a fault rule injected the 429. */
  source: "quota" | "fault";
}

interface FaultRecord {
  at: string;
  route: RouteName;
  kind: string;
}

/** What the server saw: a plain JSON-serializable snapshot, also served at `GET /__emulator/record`. */
export interface EmulatorRecord {
  startedAt: string;
  now: string;
  /** Requests received per route, refused ones included. */
  counts: Partial<Record<RouteName, number>>;
  /** Responses per route and HTTP status (`"reset"` for a destroyed connection). */
  statuses: Partial<Record<RouteName, Record<string, number>>>;
  generate: GenerateRecord[];
  batches: BatchRecord[];
  files: FileRecord[];
  uploads: { started: number; completed: number; chunks: number; bytes: number };
  caches: CacheRecord[];
  quota: { usage: Record<string, ModelQuotaUsage>; rejections: QuotaRejection[] };
  faults: FaultRecord[];
  /** Unexpected exceptions inside the emulator (answered with 500); a healthy run has none. */
  internalErrors: { at: string; route: RouteName; message: string }[];
  /** Entries dropped from the lists above once they held `maxEntries`. */
  dropped: number;
}

export interface Recorder {
  request(route: RouteName): void;
  status(route: RouteName, status: number | "reset"): void;
  generate(entry: GenerateRecord): void;
  file(entry: FileRecord): void;
  fileDeleted(name: string): void;
  cache(entry: CacheRecord): void;
  cacheDeleted(name: string): void;
  uploadStarted(): void;
  uploadChunk(bytes: number): void;
  uploadCompleted(): void;
  rejection(entry: QuotaRejection): void;
  fault(entry: FaultRecord): void;
  internalError(entry: { at: string; route: RouteName; message: string }): void;
  snapshot(live: { now: string; batches: BatchRecord[]; usage: Record<string, ModelQuotaUsage> }): EmulatorRecord;
  reset(startedAt: string): void;
}

export function createRecorder(options: { maxEntries: number; startedAt: string }): Recorder {
  let startedAt = options.startedAt;
  let counts: Partial<Record<RouteName, number>> = {};
  let statuses: Partial<Record<RouteName, Record<string, number>>> = {};
  let generate: GenerateRecord[] = [];
  let files: FileRecord[] = [];
  let caches: CacheRecord[] = [];
  let rejections: QuotaRejection[] = [];
  let faults: FaultRecord[] = [];
  let internalErrors: EmulatorRecord["internalErrors"] = [];
  let uploads = { started: 0, completed: 0, chunks: 0, bytes: 0 };
  let dropped = 0;

  const push = <T>(list: T[], entry: T): void => {
    list.push(entry);
    if (list.length > options.maxEntries) {
      list.shift();
      dropped += 1;
    }
  };

  return {
    request(route) {
      counts[route] = (counts[route] ?? 0) + 1;
    },
    status(route, status) {
      const byStatus = (statuses[route] ??= {});
      byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    },
    generate: (entry) => push(generate, entry),
    file: (entry) => push(files, entry),
    fileDeleted(name) {
      for (const f of files) if (f.name === name) f.deleted = true;
    },
    cache: (entry) => push(caches, entry),
    cacheDeleted(name) {
      for (const c of caches) if (c.name === name) c.deleted = true;
    },
    uploadStarted() {
      uploads.started += 1;
    },
    uploadChunk(bytes) {
      uploads.chunks += 1;
      uploads.bytes += bytes;
    },
    uploadCompleted() {
      uploads.completed += 1;
    },
    rejection: (entry) => push(rejections, entry),
    fault: (entry) => push(faults, entry),
    internalError: (entry) => push(internalErrors, entry),
    snapshot(live) {
      return structuredClone({
        startedAt,
        now: live.now,
        counts,
        statuses,
        generate,
        batches: live.batches,
        files,
        uploads,
        caches,
        quota: { usage: live.usage, rejections },
        faults,
        internalErrors,
        dropped,
      });
    },
    reset(nextStartedAt) {
      startedAt = nextStartedAt;
      counts = {};
      statuses = {};
      generate = [];
      files = [];
      caches = [];
      rejections = [];
      faults = [];
      internalErrors = [];
      uploads = { started: 0, completed: 0, chunks: 0, bytes: 0 };
      dropped = 0;
    },
  };
}
