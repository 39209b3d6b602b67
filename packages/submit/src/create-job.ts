import type { RetryEvent } from "@gembatch/core";
import type { RemoteJob, WebhookConfig } from "./api.js";
import { callApi } from "./call.js";
import { drawCountdown, type SubmitDeps } from "./context.js";

/**
 * Create the batch job, or adopt the one an earlier attempt already created. Google's create is not
 * idempotent, so after any failure that might have reached the server (5xx, timeout, reset) the remote
 * list is searched for our deterministic display name before trying again. A 429 is a clear refusal.
 */
export async function createOrAdopt(
  deps: SubmitDeps,
  options: { batch: number; model: string; fileName: string; displayName: string; webhook?: WebhookConfig },
): Promise<{ job: RemoteJob; adopted: boolean; attempts: number; retries: RetryEvent[] }> {
  let ambiguous = false;
  const outcome = await callApi(
    deps,
    {
      context: `batch ${options.batch}`,
      batch: options.batch,
      step: "create",
      onRetry: (event) => {
        // A failed look-up leaves the question open: the next attempt looks again before creating.
        ambiguous ||= event.kind === "server" || event.kind === "network" || event.kind === "timeout";
        deps.info(
          `batch ${options.batch}: ${event.kind === "rate_limit" ? "rate limited (429)" : event.message}; waiting ${Math.round(event.delayMs / 1000)}s before retry ${event.attempt}`,
        );
        drawCountdown(deps, `batch ${options.batch}`, event.delayMs);
      },
    },
    async () => {
      if (ambiguous) {
        const existing = await lookUp(deps, options.displayName, options.batch);
        if (existing) return { job: existing, adopted: true };
        ambiguous = false;
      }
      const webhook = options.webhook ? { webhook: options.webhook } : {};
      return {
        job: await deps.api.create(options.model, options.fileName, options.displayName, {
          ...webhook,
          signal: deps.signal,
        }),
        adopted: false,
      };
    },
  );
  return { ...outcome.value, attempts: outcome.attempts, retries: outcome.retries };
}

/** The remote job with this display name, if any; each page of the listing is retried like every other call. */
async function lookUp(deps: SubmitDeps, displayName: string, batch: number): Promise<RemoteJob | undefined> {
  const retryPage = async <T>(request: () => Promise<T>) =>
    (await callApi(deps, { context: `batch ${batch}`, batch, step: "lookup" }, request)).value;
  const jobs = await deps.api.listAll(deps.signal, retryPage);
  return jobs.find((job) => job.displayName === displayName);
}

export async function findByDisplayName(
  deps: SubmitDeps,
  displayName: string,
  batch: number,
): Promise<RemoteJob | undefined> {
  return lookUp(deps, displayName, batch);
}
