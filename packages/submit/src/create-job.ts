import { withRetry, type RetryEvent } from "@gembatch/core";
import type { RemoteJob } from "./api.js";
import { drawCountdown, type SubmitDeps } from "./context.js";

/**
 * Create the batch job, or adopt the one an earlier attempt already created. Google's create is not
 * idempotent, so after any failure that might have reached the server (5xx, timeout, reset) the remote
 * list is searched for our deterministic display name before trying again. A 429 is a clear refusal.
 */
export async function createOrAdopt(
  deps: SubmitDeps,
  options: { batch: number; model: string; fileName: string; displayName: string },
): Promise<{ job: RemoteJob; adopted: boolean; attempts: number; retries: RetryEvent[] }> {
  let ambiguous = false;
  const outcome = await withRetry(
    async () => {
      if (ambiguous) {
        const existing = await findByDisplayName(deps, options.displayName);
        if (existing) return { job: existing, adopted: true };
      }
      return { job: await deps.api.create(options.model, options.fileName, options.displayName, deps.signal), adopted: false };
    },
    {
      policy: deps.retryPolicy,
      clock: deps.clock,
      signal: deps.signal,
      context: `batch ${options.batch}`,
      onRetry: (event) => {
        ambiguous = event.kind === "server" || event.kind === "network" || event.kind === "timeout";
        deps.events.event(event.kind === "rate_limit" ? "rate_limited" : "retry", { batch: options.batch, data: { step: "create", ...event } });
        deps.info(`batch ${options.batch}: ${event.kind === "rate_limit" ? "rate limited (429)" : event.message}; waiting ${Math.round(event.delayMs / 1000)}s before retry ${event.attempt}`);
        drawCountdown(deps, `batch ${options.batch}`, event.delayMs);
      },
    },
  );
  return { ...outcome.value, attempts: outcome.attempts, retries: outcome.retries };
}

export async function findByDisplayName(deps: Pick<SubmitDeps, "api" | "signal">, displayName: string): Promise<RemoteJob | undefined> {
  const jobs = await deps.api.listAll(deps.signal);
  return jobs.find((job) => job.displayName === displayName);
}
