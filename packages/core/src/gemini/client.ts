import type { GoogleGenAI } from "@google/genai";
import type { ResolvedConfig } from "../config/load.js";
import { CliError } from "../errors.js";
import { registerSecret } from "../log/redact.js";

interface ClientOptions {
  apiKey: string | undefined;
  baseUrl?: string | undefined;
  timeoutMs?: number | undefined;
}

export function clientOptionsFrom(config: ResolvedConfig): ClientOptions {
  return { apiKey: config.apiKey, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs };
}

/**
 * The one way to build a Gemini client. The SDK is imported here, lazily, so commands that never call
 * the API start fast. Its own retries stay off (none are configured): retrying is ours.
 */
export async function createGeminiClient(options: ClientOptions): Promise<GoogleGenAI> {
  if (!options.apiKey) {
    throw new CliError("NO_API_KEY", "no API key: set GEMINI_API_KEY (or GOOGLE_API_KEY)", {
      hint: "create a key in Google AI Studio, then export GEMINI_API_KEY=... (commands with --dry-run work without one)",
    });
  }
  registerSecret(options.apiKey);
  const { GoogleGenAI } = await import("@google/genai");
  return new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    },
  });
}
