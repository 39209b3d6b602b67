import { classifyError } from "@gembatch/core";

export type Status = "ok" | "warn" | "fail" | "skip";

export interface Check {
  name: string;
  status: Status;
  detail: string;
  /** What to do about a check that did not pass. */
  hint?: string;
}

const MIN_NODE = [20, 11] as const;

/** End of life of each Node major (the Node.js release schedule); an unlisted newer major is current. */
const NODE_END_OF_LIFE: Record<number, string> = {
  18: "2025-04-30",
  19: "2023-06-01",
  20: "2026-04-30",
  21: "2024-06-01",
  22: "2027-04-30",
  23: "2025-06-01",
  24: "2028-04-30",
  25: "2026-06-01",
};

export function nodeCheck(version: string, now: number): Check {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const supported = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  if (!supported)
    return {
      name: "node",
      status: "fail",
      detail: `Node ${version} (needs >= ${MIN_NODE.join(".")})`,
      hint: "install Node 22 or 24",
    };
  const endOfLife = NODE_END_OF_LIFE[major];
  if (endOfLife && now >= Date.parse(`${endOfLife}T00:00:00Z`)) {
    return {
      name: "node",
      status: "warn",
      detail: `Node ${version} reached end of life on ${endOfLife} (no more security fixes)`,
      hint: "move to Node 22 or 24",
    };
  }
  return { name: "node", status: "ok", detail: `Node ${version}` };
}

export function apiKeyCheck(source: string | undefined): Check {
  if (source) return { name: "api_key", status: "ok", detail: `set in ${source} (value not shown)` };
  return {
    name: "api_key",
    status: "fail",
    detail: "neither GEMINI_API_KEY nor GOOGLE_API_KEY is set",
    hint:
      "create a key in Google AI Studio (Get API key) and export GEMINI_API_KEY=<key>; or work offline against the emulator, which accepts any key: " +
      "`gembatch emulator --port 8080 &`, then export GEMBATCH_BASE_URL=http://127.0.0.1:8080 GEMINI_API_KEY=test-key",
  };
}

/**
 * Asks the base URL to count tokens for the model, which costs nothing: any server answers a GET of
 * its root, but only the Gemini API (or the emulator) knows this route.
 */
export async function baseUrlCheck(
  url: string,
  model: string,
  apiKey: string | undefined,
  signal: AbortSignal,
): Promise<Check> {
  const endpoint = `${url.replace(/\/+$/, "")}/v1beta/models/${encodeURIComponent(model)}:countTokens`;
  let status: number;
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", ...(apiKey ? { "x-goog-api-key": apiKey } : {}) },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "ok" }] }] }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]),
    });
    await response.body?.cancel();
    status = response.status;
  } catch (error) {
    return { name: "base_url", status: "fail", detail: `${url} unreachable: ${classifyError(error).message}` };
  }
  if (status >= 200 && status < 300)
    return {
      name: "base_url",
      status: "ok",
      detail: `${url} speaks the Gemini API (countTokens answered HTTP ${status})`,
    };
  if ([400, 401, 403, 429].includes(status))
    return {
      name: "base_url",
      status: "ok",
      detail: `${url} speaks the Gemini API (countTokens refused with HTTP ${status}; see api_key and api_call)`,
    };
  if (status === 404) {
    return {
      name: "base_url",
      status: "fail",
      detail: `${url} answered HTTP 404 to countTokens for ${model}: not the Gemini API, or no such model`,
      hint: "GEMBATCH_BASE_URL is the API root, without /v1beta (the emulator prints it on start); leave it unset for Google's API",
    };
  }
  return { name: "base_url", status: "warn", detail: `${url} answered HTTP ${status} to countTokens for ${model}` };
}
