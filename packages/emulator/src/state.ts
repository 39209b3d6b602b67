import { createBatchStore, type BatchJob, type BatchStore, type RowResult } from "./batch-store.js";
import { createCacheStore, defaultCacheMinTokens, type CacheStore } from "./cache-store.js";
import { resolveClock, toTimestamp, type ClockInput, type EmulatorClock } from "./clock.js";
import type { Settings } from "./config.js";
import { createFaultEngine, type FaultEngine, type FaultRule } from "./faults.js";
import { createFileStore, fileIdFrom, type FileStore, type StoredFile } from "./files-store.js";
import { asGoogleError, prepareRequest, recordGeneration, runScript } from "./generation.js";
import { createQuotaEngine, type QuotaConfig, type QuotaEngine } from "./quotas.js";
import { createRecorder, type EmulatorRecord, type Recorder } from "./record.js";
import type { Script } from "./script-schema.js";
import { createScriptEngine, type ScriptEngine } from "./script.js";
import type { FileLookup } from "./tokens.js";

/** Everything a route handler works with. */
export interface EmulatorState {
  clock: EmulatorClock;
  settings: Settings;
  script: ScriptEngine;
  faults: FaultEngine;
  quotas: QuotaEngine;
  files: FileStore;
  caches: CacheStore;
  batches: BatchStore;
  recorder: Recorder;
  fileLookup: FileLookup;
  /** `http://host:port`, known once the server listens. */
  baseUrl: string;
  snapshot(): EmulatorRecord;
  reset(): void;
}

export function recordFile(state: Pick<EmulatorState, "recorder">, file: StoredFile): void {
  state.recorder.file({
    name: `files/${file.id}`,
    displayName: file.displayName ?? null,
    mimeType: file.mimeType,
    sizeBytes: file.sizeBytes,
    source: file.source,
    createTime: toTimestamp(file.createTime),
    deleted: false,
  });
}

function runRows(state: EmulatorState, job: BatchJob): RowResult[] {
  return job.rows.map((row) => {
    const base = { key: row.key, metadata: row.metadata };
    const request = row.request as Record<string, unknown>;
    let prepared;
    try {
      prepared = prepareRequest(state, request, job.model);
    } catch (error) {
      const refusal = asGoogleError(error);
      if (!refusal) throw error;
      return { ...base, error: { code: refusal.code, message: refusal.message, status: refusal.status } };
    }
    const scripted = runScript(state, prepared, { route: "batch", key: row.key });
    const { generation } = scripted;
    recordGeneration(state, {
      route: "batch",
      prepared,
      scripted,
      status: generation.error?.code ?? 200,
      key: row.key,
      batch: `batches/${job.id}`,
    });
    if (generation.error) return { ...base, error: generation.error };
    return { ...base, response: generation.body };
  });
}

export function createEmulatorState(options: {
  settings: Settings;
  script: Script;
  faults: { rules: FaultRule[]; seed: number | undefined };
  quotas: QuotaConfig;
  clock: ClockInput | undefined;
  startTime: number | string | Date | undefined;
}): EmulatorState {
  const { settings } = options;
  const clock = resolveClock(options.clock, { timeScale: settings.timeScale, startTime: options.startTime });
  const files = createFileStore({ clock, ttlMs: settings.files.ttlMs });
  const fileLookup: FileLookup = (uri) => {
    const file = files.find(fileIdFrom(uri));
    return file ? { sizeBytes: file.sizeBytes, mimeType: file.mimeType } : undefined;
  };
  const recorder = createRecorder({ maxEntries: settings.record.maxEntries, startedAt: toTimestamp(clock.now()) });
  const minTokens = settings.caches.minTokens;
  const batches = createBatchStore({
    clock,
    expireAfterMs: () => settings.batch.expireAfterMs,
    files,
    runRows: (job) => runRows(state, job),
    onOutputFile: (file) => recordFile(state, file),
  });

  const state: EmulatorState = {
    clock,
    settings,
    script: createScriptEngine(options.script),
    faults: createFaultEngine({ rules: options.faults.rules, seed: options.faults.seed ?? settings.seed }),
    quotas: createQuotaEngine({ clock, config: options.quotas }),
    files,
    caches: createCacheStore({
      clock,
      minTokens: (model) => minTokens ?? defaultCacheMinTokens(model),
      lookup: fileLookup,
    }),
    batches,
    recorder,
    fileLookup,
    baseUrl: "",
    snapshot() {
      return recorder.snapshot({
        now: toTimestamp(clock.now()),
        batches: state.batches.records(),
        usage: state.quotas.usage(),
      });
    },
    reset() {
      files.reset();
      state.caches.reset();
      state.batches.reset();
      state.quotas.reset();
      state.script.rewind();
      state.faults.rewind();
      recorder.reset(toTimestamp(clock.now()));
    },
  };
  return state;
}
