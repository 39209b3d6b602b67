import type { GenerateContentParameters, GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { systemClock, type Clock } from "../clock.js";
import { appendLedger } from "../ledger/ledger.js";
import type { EventLog } from "../log/event-log.js";
import { redactDeep } from "../log/redact.js";
import {
  computeCost,
  defaultPricing,
  tokenCounts,
  type CostResult,
  type Pricing,
  type UsageMetadata,
} from "../pricing/cost.js";
import type { RateLimiter } from "../retry/rate-limiter.js";
import { withRetry, type RetryEvent, type RetryPolicy } from "../retry/retry.js";

export interface GenerateDeps {
  client: GoogleGenAI;
  limiter?: RateLimiter;
  retryPolicy?: Partial<RetryPolicy>;
  clock?: Clock;
  pricing?: Pricing;
  events?: EventLog;
  /** Where each call's cost record goes, and which command made it. */
  ledger?: { file: string; command: string; run?: string };
  signal?: AbortSignal;
  onRetry?(event: RetryEvent): void;
}

interface GenerateOutcome {
  response: GenerateContentResponse;
  /** The reply's visible text (thought parts left out), "" when there is none. */
  text: string;
  finishReason: string | null;
  usage: UsageMetadata;
  modelVersion: string | null;
  cost: CostResult;
  attempts: number;
  retries: RetryEvent[];
  durationMs: number;
}

export function responseText(response: {
  candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>;
}): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts
    .filter((p) => !p.thought && typeof p.text === "string")
    .map((p) => p.text)
    .join("");
}

/**
 * One generateContent call under the rate limiter and retry policy, priced by the model that answered,
 * with a ledger record and log events. `estimatedTokens` reserves tokens/minute before the call.
 */
export async function generateContent(
  deps: GenerateDeps,
  request: GenerateContentParameters,
  options: { estimatedTokens: number; context: string },
): Promise<GenerateOutcome> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  // The point where prompt text leaves for the API: a key that reached a report or an error is cut here.
  const sent = redactDeep(request);
  const call = () =>
    withRetry(
      () =>
        deps.client.models.generateContent({
          ...sent,
          config: { ...sent.config, ...(deps.signal ? { abortSignal: deps.signal } : {}) },
        }),
      {
        policy: deps.retryPolicy,
        clock,
        signal: deps.signal,
        context: options.context,
        onRetry: (event) => {
          deps.events?.event(event.kind === "rate_limit" ? "rate_limited" : "retry", {
            context: options.context,
            ...event,
          });
          deps.onRetry?.(event);
        },
      },
    );
  const outcome = deps.limiter
    ? await deps.limiter.schedule(
        options.estimatedTokens,
        async (permit) => {
          const result = await call();
          const prompt = result.value.usageMetadata?.promptTokenCount;
          if (prompt !== undefined) permit.setTokens(prompt);
          return result;
        },
        deps.signal,
      )
    : await call();
  const response = outcome.value;
  const usage = (response.usageMetadata ?? {}) as UsageMetadata;
  const modelVersion = response.modelVersion ?? null;
  const at = new Date(clock.now());
  const cost = computeCost({ model: modelVersion ?? request.model, usage, at }, deps.pricing ?? defaultPricing);
  const finishReason =
    (response.candidates?.[0]?.finishReason as string | undefined) ??
    (response.promptFeedback?.blockReason ? `BLOCKED_${response.promptFeedback.blockReason}` : null);
  if (deps.ledger) {
    const counts = tokenCounts(usage);
    appendLedger(deps.ledger.file, {
      time: at.toISOString(),
      command: deps.ledger.command,
      model: request.model,
      model_version: modelVersion,
      operation: "generateContent",
      prompt_tokens: counts.prompt,
      cached_tokens: counts.cached,
      output_tokens: counts.output,
      thinking_tokens: counts.thoughts,
      total_tokens: counts.total,
      cost: cost.cost,
      ...(deps.ledger.run ? { run: deps.ledger.run } : {}),
    });
  }
  deps.events?.event("generate_done", {
    context: options.context,
    model: modelVersion ?? request.model,
    finish_reason: finishReason,
    cost: cost.cost,
    attempts: outcome.attempts,
  });
  return {
    response,
    text: responseText(response),
    finishReason,
    usage,
    modelVersion,
    cost,
    attempts: outcome.attempts,
    retries: outcome.retries,
    durationMs: clock.now() - started,
  };
}
