import { GoogleApiError } from "./google-errors.js";

export type QuotaKind = "rpm" | "tpm" | "rpd";
type QuotaTier = "paid" | "free";

export interface QuotaViolation {
  quotaMetric: string;
  quotaId: string;
  quotaDimensions: { location: string; model: string };
  quotaValue: string;
}

const METRIC = "generativelanguage.googleapis.com/";

/** Metric and quota ids as Google reports them, per tier (captured from real 429 bodies). */
const NAMES: Record<QuotaTier, Record<QuotaKind, { metric: string; id: string }>> = {
  paid: {
    rpm: { metric: "generate_requests_per_model", id: "GenerateRequestsPerMinutePerProjectPerModel" },
    tpm: {
      metric: "generate_content_paid_tier_input_token_count",
      id: "GenerateContentPaidTierInputTokensPerModelPerMinute",
    },
    rpd: { metric: "generate_requests_per_model_per_day", id: "GenerateRequestsPerDayPerProjectPerModel" },
  },
  free: {
    rpm: { metric: "generate_content_free_tier_requests", id: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" },
    tpm: {
      metric: "generate_content_free_tier_input_token_count",
      id: "GenerateContentInputTokensPerModelPerMinute-FreeTier",
    },
    rpd: { metric: "generate_content_free_tier_requests", id: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" },
  },
};

const RATE_LIMITS_URL = "https://ai.google.dev/gemini-api/docs/rate-limits";
const QUOTA_MESSAGE =
  "You exceeded your current quota, please check your plan and billing details. For more information on this error, " +
  `head to: ${RATE_LIMITS_URL}. To monitor your current usage, head to: https://ai.dev/rate-limit. `;

const HELP = {
  "@type": "type.googleapis.com/google.rpc.Help",
  links: [{ description: "Learn more about Gemini API quotas", url: RATE_LIMITS_URL }],
};

export function violation(options: { kind: QuotaKind; tier: QuotaTier; model: string; limit: number }): QuotaViolation {
  const names = NAMES[options.tier][options.kind];
  return {
    quotaMetric: METRIC + names.metric,
    quotaId: names.id,
    quotaDimensions: { location: "global", model: options.model },
    quotaValue: String(options.limit),
  };
}

/** Go's duration format, which Google uses in "Please retry in 1h52m56.409s." */
export function formatRetryIn(ms: number): string {
  const totalSeconds = Math.max(0, ms) / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const secs = totalSeconds - hours * 3600 - minutes * 60;
  const secText = `${Number(secs.toFixed(9))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secText}`;
  if (minutes > 0) return `${minutes}m${secText}`;
  return secText;
}

/** The generateContent 429: QuotaFailure + Help + RetryInfo, "Please retry in …" in the message. */
export function quotaExceeded(violations: QuotaViolation[], retryMs: number): GoogleApiError {
  const lines = violations.map(
    (v) => `* Quota exceeded for metric: ${v.quotaMetric}, limit: ${v.quotaValue}, model: ${v.quotaDimensions.model}`,
  );
  return new GoogleApiError({
    code: 429,
    status: "RESOURCE_EXHAUSTED",
    message: `${QUOTA_MESSAGE}\n${lines.join("\n")}\nPlease retry in ${formatRetryIn(retryMs)}.`,
    details: [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations },
      HELP,
      {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: `${Math.floor(Math.max(0, retryMs) / 1000)}s`,
      },
    ],
  });
}

/** The batch-create 429: only a Help link, no QuotaFailure and no RetryInfo. */
export function batchCreateExhausted(): GoogleApiError {
  return new GoogleApiError({ code: 429, status: "RESOURCE_EXHAUSTED", message: QUOTA_MESSAGE, details: [HELP] });
}
