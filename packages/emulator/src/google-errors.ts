/** The google.rpc error envelope, as the Gemini API sends it. */
interface ErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

const STATUS_BY_CODE: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export const MESSAGES = {
  internal:
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  unavailable: "The model is overloaded. Please try again later.",
  deadline: "Deadline expired before operation could complete.",
  keyInvalid: "API key not valid. Please pass a valid API key.",
  keyMissing:
    "Method doesn't allow unregistered callers (callers without established identity). " +
    "Please use API Key or other form of API consumer identity to call this API.",
  payloadTooLarge: "Request payload size exceeds the limit: 20971520 bytes.",
} as const;

/** A refusal the server sends as a google.rpc envelope with a matching HTTP status. */
export class GoogleApiError extends Error {
  readonly code: number;
  readonly status: string;
  readonly details: unknown[] | undefined;

  constructor(options: { code: number; message: string; status?: string; details?: unknown[] }) {
    super(options.message);
    this.name = "GoogleApiError";
    this.code = options.code;
    this.status = options.status ?? statusForCode(options.code);
    this.details = options.details;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        status: this.status,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

export function statusForCode(code: number): string {
  return STATUS_BY_CODE[code] ?? (code >= 500 ? "INTERNAL" : "INVALID_ARGUMENT");
}

export function invalidArgument(message: string, details?: unknown[]): GoogleApiError {
  return new GoogleApiError({ code: 400, message, status: "INVALID_ARGUMENT", ...(details ? { details } : {}) });
}

export function failedPrecondition(message: string): GoogleApiError {
  return new GoogleApiError({ code: 400, message, status: "FAILED_PRECONDITION" });
}

export function notFound(message: string): GoogleApiError {
  return new GoogleApiError({ code: 404, message, status: "NOT_FOUND" });
}

export function permissionDenied(message: string): GoogleApiError {
  return new GoogleApiError({ code: 403, message, status: "PERMISSION_DENIED" });
}

export function alreadyExists(message: string): GoogleApiError {
  return new GoogleApiError({ code: 409, message, status: "ALREADY_EXISTS" });
}

/** The proto-JSON parser's refusal of a field it does not know. */
export function unknownField(name: string, at?: string): GoogleApiError {
  const where = at ? ` at '${at}'` : "";
  const message = `Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`;
  return invalidArgument(message, [
    {
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ ...(at ? { field: at } : {}), description: message }],
    },
  ]);
}

export function invalidJson(detail: string): GoogleApiError {
  return invalidArgument(`Invalid JSON payload received. ${detail}`);
}

export function apiKeyInvalid(): GoogleApiError {
  return invalidArgument(MESSAGES.keyInvalid, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    },
    { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message: MESSAGES.keyInvalid },
  ]);
}

export function apiKeyMissing(): GoogleApiError {
  return permissionDenied(MESSAGES.keyMissing);
}

export function serverError(code: 500 | 503 | 504): GoogleApiError {
  const message = code === 500 ? MESSAGES.internal : code === 503 ? MESSAGES.unavailable : MESSAGES.deadline;
  return new GoogleApiError({ code, message });
}

/** `resource` is the full model name, e.g. `models/gemini-x`. */
export function modelNotFound(resource: string, method: string): GoogleApiError {
  return notFound(
    `${resource} is not found for API version v1beta, or is not supported for ${method}. ` +
      "Call ListModels to see the list of available models and their supported methods.",
  );
}
