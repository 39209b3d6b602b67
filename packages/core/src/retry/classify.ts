import { parseDuration } from "../clock.js";
import { CliError, firstLine } from "../errors.js";
import { redactSecrets } from "../log/redact.js";

type FailureKind =
  "rate_limit" | "daily_quota" | "server" | "timeout" | "network" | "auth" | "client" | "interrupted" | "unknown";

export interface ClassifiedError {
  kind: FailureKind;
  retryable: boolean;
  status?: number;
  /** Server-requested wait (RetryInfo.retryDelay), when it sent one. */
  retryDelayMs?: number;
  quotaId?: string;
  message: string;
}

interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: Array<{ "@type"?: string; retryDelay?: string; violations?: Array<{ quotaId?: string }> }>;
  };
}

/** The SDK's ApiError carries the response body as its JSON-serialized message. */
export function parseGoogleErrorBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start)) as GoogleErrorBody;
  } catch {
    return undefined;
  }
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ECONNABORTED",
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Sort a thrown error into what the retry policy needs to know. The message is scrubbed here, where
 * it is made: it goes into retry events, results and state (an error body may echo the API key).
 */
export function classifyError(error: unknown, options: { signal?: AbortSignal | undefined } = {}): ClassifiedError {
  const classified = classify(error, options);
  return { ...classified, message: redactSecrets(classified.message) };
}

function classify(error: unknown, options: { signal?: AbortSignal | undefined }): ClassifiedError {
  const name = (error as { name?: unknown })?.name;
  const rawMessage = error instanceof Error ? error.message : String(error);
  if (name === "AbortError" || (error instanceof CliError && error.code === "INTERRUPTED")) {
    if (options.signal?.aborted) return { kind: "interrupted", retryable: false, message: "interrupted" };
    return { kind: "timeout", retryable: true, message: "request timed out" };
  }
  const status =
    typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : undefined;
  if (name === "ApiError" && status !== undefined) {
    const body = parseGoogleErrorBody(rawMessage);
    const details = body?.error?.details ?? [];
    const message = firstLine(body?.error?.message ?? rawMessage);
    const retryInfo = details.find((d) => d["@type"]?.endsWith("google.rpc.RetryInfo"));
    const quotaId = details
      .find((d) => d["@type"]?.endsWith("google.rpc.QuotaFailure"))
      ?.violations?.find((v) => v.quotaId)?.quotaId;
    const retryDelayMs = retryInfo?.retryDelay ? parseDuration(retryInfo.retryDelay) : undefined;
    const base = {
      status,
      message,
      ...(quotaId ? { quotaId } : {}),
      ...(retryDelayMs !== undefined ? { retryDelayMs } : {}),
    };
    if (status === 429) {
      if (quotaId && /PerDay/i.test(quotaId)) return { ...base, kind: "daily_quota", retryable: false };
      return { ...base, kind: "rate_limit", retryable: true };
    }
    if ([500, 502, 503, 504, 408].includes(status)) return { ...base, kind: "server", retryable: true };
    // A missing or expired cache is a 403 too, but it says nothing about the key.
    if (status === 403 && /CachedContent|File .* may not exist/i.test(message))
      return { ...base, kind: "client", retryable: false };
    if (status === 401 || status === 403 || /API key not valid|API_KEY_INVALID/i.test(rawMessage))
      return { ...base, kind: "auth", retryable: false };
    return { ...base, kind: "client", retryable: false };
  }
  const code = causeCode(error);
  if (
    (code && NETWORK_CODES.has(code)) ||
    /fetch failed|socket hang up|terminated|other side closed|Incomplete JSON segment/i.test(rawMessage)
  ) {
    return { kind: "network", retryable: true, message: firstLine(code ? `${rawMessage} (${code})` : rawMessage) };
  }
  return { kind: "unknown", retryable: false, message: firstLine(rawMessage) };
}

/** The user-facing error for a failure that retries could not overcome (exit 3, or 130). */
export function apiFailure(classified: ClassifiedError, context: string): CliError {
  const where = context ? `${context}: ` : "";
  switch (classified.kind) {
    case "interrupted":
      return new CliError("INTERRUPTED", `${where}interrupted`);
    case "daily_quota":
      return new CliError("API_QUOTA", `${where}daily quota exhausted (${classified.quotaId}): ${classified.message}`, {
        hint: "the per-day quota resets at midnight Pacific time; resume then, or use another project or tier",
      });
    case "rate_limit":
      return new CliError("API_QUOTA", `${where}rate limited after every retry: ${classified.message}`, {
        hint: "lower rate_limits.requests_per_minute / tokens_per_minute in gembatch.config.json, or retry later",
      });
    case "auth":
      return new CliError(
        "API_AUTH",
        `${where}the API refused the key (HTTP ${classified.status}): ${classified.message}`,
        {
          hint: "check GEMINI_API_KEY (or GOOGLE_API_KEY); run gembatch doctor",
        },
      );
    case "network":
    case "timeout":
      return new CliError("API_UNREACHABLE", `${where}${classified.message}`, {
        hint: "check the network or GEMBATCH_BASE_URL; run gembatch doctor",
      });
    default:
      return new CliError(
        "API_ERROR",
        `${where}${classified.status ? `HTTP ${classified.status}: ` : ""}${classified.message}`,
        {
          hint: "the request was refused; the request file in the run directory shows what was sent",
        },
      );
  }
}
