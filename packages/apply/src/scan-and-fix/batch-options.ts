import { CliError, clientOptionsFrom, createGeminiClient, type CommandContext } from "@gembatch/core";
import type { BatchDeps } from "./batch-jobs.js";
import type { ScanAndFixOptions } from "./types.js";

interface BatchInput {
  via?: "sync" | "batch" | undefined;
  retry_via?: "sync" | "batch" | undefined;
  wait?: boolean | undefined;
  poll_interval?: number | undefined;
  resubmit_missing?: boolean | undefined;
  resume?: boolean | undefined;
  dry_run?: boolean | undefined;
  batch_max_requests?: number | undefined;
  batch_max_bytes?: number | undefined;
}

/** The batch flags as library options; the ones that only make sense together are checked here. */
export function batchOptions(input: BatchInput): Partial<ScanAndFixOptions> {
  if (input.resubmit_missing && !input.resume)
    throw new CliError(
      "BAD_INPUT",
      "resubmit_missing: only with resume (it resends what a batch run's jobs did not bring back)",
      { hint: "add --resume --output-dir <the batch run>" },
    );
  if (input.via === "batch" && input.resume)
    throw new CliError("BAD_INPUT", "via: a resume continues the run the way it started", {
      hint: "leave out --via batch with --resume",
    });
  if (input.retry_via && input.via !== "batch" && !input.resume)
    throw new CliError("BAD_INPUT", "retry_via: only for a batch run (its retries; a sync run's go sync)", {
      hint: "add --via batch, or --resume on a batch run",
    });
  return {
    ...(input.via ? { via: input.via } : {}),
    ...(input.retry_via ? { retryVia: input.retry_via } : {}),
    ...(input.wait ? { wait: true } : {}),
    ...(input.poll_interval !== undefined ? { pollIntervalMs: Math.round(input.poll_interval * 1000) } : {}),
    ...(input.resubmit_missing ? { resubmitMissing: true } : {}),
    ...(input.batch_max_requests ? { batchMaxRequests: input.batch_max_requests } : {}),
    ...(input.batch_max_bytes ? { batchMaxBytes: input.batch_max_bytes } : {}),
  };
}

/** The Batch API over the real SDK, for a run that may talk to it (a batch run, or any resume of one). */
export async function batchDeps(input: BatchInput, ctx: CommandContext): Promise<BatchDeps> {
  if (input.dry_run || (input.via !== "batch" && !input.resume)) return {};
  const { createBatchApi } = await import("@gembatch/submit");
  return {
    batchApi: createBatchApi(() => createGeminiClient(clientOptionsFrom(ctx.config)), {
      baseUrl: ctx.config.baseUrl,
      apiKey: () => ctx.config.apiKey ?? "",
    }),
  };
}
