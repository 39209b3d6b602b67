import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import {
  CliError,
  clientOptionsFrom,
  createEventLog,
  createGeminiClient,
  type CommandContext,
  type RetryPolicy,
  type StateStore,
} from "@gembatch/core";
import { createBatchApi } from "./api.js";
import type { SubmitDeps } from "./context.js";
import { argPath } from "./paths.js";
import { LOG_FILE, openStateStore, type SubmissionState } from "./state.js";

interface CommonInput {
  work_dir?: string | undefined;
  rate_limit_wait?: number | undefined;
  max_retries?: number | undefined;
}

/**
 * Saves from concurrent batches are folded together: a save asked for while one is being written is
 * served by the next write, which serializes the state as it is then (so it holds every change made
 * before the call). Each caller still resolves only once its changes are on disk.
 */
export function coalesceSaves(store: StateStore<SubmissionState>): StateStore<SubmissionState> {
  let writing = false;
  let latest: Promise<void> = Promise.resolve();
  let waiting:
    | { state: SubmissionState; resolve: () => void; reject: (error: unknown) => void; promise: Promise<void> }
    | undefined;
  const kick = (): void => {
    if (writing || !waiting) return;
    const batch = waiting;
    waiting = undefined;
    writing = true;
    store
      .save(batch.state)
      .then(batch.resolve, batch.reject)
      .finally(() => {
        writing = false;
        kick();
      });
  };
  return {
    file: store.file,
    backupFile: store.backupFile,
    load: () => store.load(),
    lock: () => store.lock(),
    async release() {
      await latest.catch(() => undefined);
      await store.release();
    },
    save(state) {
      if (!waiting) {
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
        waiting = { state, resolve, reject, promise };
      }
      waiting.state = state;
      const { promise } = waiting;
      latest = promise;
      kick();
      return promise;
    },
  };
}

/** The work dir: only `submit` may create it; the other commands need the one a submission made. */
function workDirOf(ctx: CommandContext, input: CommonInput, create: boolean): string {
  const workDir = argPath({ cwd: ctx.cwd, projectRoot: ctx.config.projectRoot }, input.work_dir ?? ".", "work_dir");
  if (existsSync(workDir) && !statSync(workDir).isDirectory())
    throw new CliError("BAD_INPUT", `work_dir: not a directory: ${input.work_dir}`, {
      hint: "pass the folder that holds batch_submission_state.json",
    });
  if (!existsSync(workDir)) {
    if (!create) {
      throw new CliError("FILE_NOT_FOUND", `work_dir: directory not found: ${input.work_dir}`, {
        hint: "pass the --work-dir gembatch submit used (it holds batch_submission_state.json)",
      });
    }
    mkdirSync(workDir, { recursive: true });
  }
  return workDir;
}

/** Build the API, the locked state store and the event log for one submit command. */
export async function buildDeps(
  ctx: CommandContext,
  input: CommonInput,
  options: { createWorkDir?: boolean } = {},
): Promise<{ deps: SubmitDeps; workDir: string; close: () => Promise<void> }> {
  const workDir = workDirOf(ctx, input, options.createWorkDir ?? false);
  const api = createBatchApi(() => createGeminiClient(clientOptionsFrom(ctx.config)), {
    baseUrl: ctx.config.baseUrl,
    apiKey: () => ctx.config.apiKey ?? "",
  });
  const store = coalesceSaves(openStateStore(workDir, `gembatch ${ctx.commandName}`));
  await store.lock();
  const events = await createEventLog(path.join(workDir, LOG_FILE));
  const retryPolicy: Partial<RetryPolicy> = {
    maxRetries: input.max_retries ?? ctx.config.retry.maxRetries,
    baseDelayMs: ctx.config.retry.baseDelayMs,
    maxDelayMs: ctx.config.retry.maxDelayMs,
    rateLimitWaitMs:
      input.rate_limit_wait !== undefined ? input.rate_limit_wait * 1000 : ctx.config.retry.rateLimitWaitMs,
  };
  const deps: SubmitDeps = {
    api,
    store,
    events,
    clock: ctx.clock,
    signal: ctx.signal,
    retryPolicy,
    info: (m) => ctx.info(m),
    warn: (m) => ctx.warn(m),
    interactive: ctx.interactive,
    stderr: ctx.stderr,
  };
  return {
    deps,
    workDir,
    async close() {
      events.close();
      await store.release();
    },
  };
}
