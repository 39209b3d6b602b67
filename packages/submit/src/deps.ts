import path from "node:path";
import { clientOptionsFrom, createEventLog, createGeminiClient, type CommandContext, type RetryPolicy } from "@gembatch/core";
import { createBatchApi } from "./api.js";
import type { SubmitDeps } from "./context.js";
import { LOG_FILE, openStateStore } from "./state.js";

export interface CommonInput {
  work_dir?: string;
  rate_limit_wait?: number;
  max_retries?: number;
}

/** Build the API, the locked state store and the event log for one submit command. */
export async function buildDeps(ctx: CommandContext, input: CommonInput): Promise<{ deps: SubmitDeps; workDir: string; close(): Promise<void> }> {
  const workDir = path.resolve(ctx.cwd, input.work_dir ?? ".");
  const api = createBatchApi(() => createGeminiClient(clientOptionsFrom(ctx.config)), { baseUrl: ctx.config.baseUrl, apiKey: () => ctx.config.apiKey ?? "" });
  const store = openStateStore(workDir, `gembatch ${ctx.commandName}`);
  await store.lock();
  const events = await createEventLog(path.join(workDir, LOG_FILE));
  const retryPolicy: Partial<RetryPolicy> = {
    maxRetries: input.max_retries ?? ctx.config.retry.maxRetries,
    baseDelayMs: ctx.config.retry.baseDelayMs,
    maxDelayMs: ctx.config.retry.maxDelayMs,
    rateLimitWaitMs: input.rate_limit_wait !== undefined ? input.rate_limit_wait * 1000 : ctx.config.retry.rateLimitWaitMs,
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
