import { classifyError, computeCost, createGeminiClient, type Clock, type ResolvedConfig } from "@gembatch/core";
import { apiKeyCheck, baseUrlCheck, nodeCheck, type Check } from "./environment-checks.js";
import { modelChecks } from "./model-checks.js";

export interface RunDoctorOptions {
  /** The settings to check (flags already applied). */
  config: Pick<ResolvedConfig, "model" | "apiKey" | "apiKeySource" | "baseUrl" | "configFile" | "pricing">;
  /** Set when the config file did not load; the checks then run on the defaults. */
  configError?: { message: string };
  skipApiCall: boolean;
  nodeVersion: string;
}

export interface RunDoctorDeps {
  clock: Clock;
  signal: AbortSignal;
}

export interface DoctorResult {
  success: boolean;
  checks: Check[];
  model: string;
  base_url: string | null;
  warnings?: string[];
}

async function apiCall(options: RunDoctorOptions, deps: RunDoctorDeps): Promise<Check> {
  const { config } = options;
  try {
    const client = await createGeminiClient({ apiKey: config.apiKey, baseUrl: config.baseUrl, timeoutMs: 30_000 });
    const response = await client.models.generateContent({
      model: config.model,
      contents: "Reply with the single word: ok",
      config: { maxOutputTokens: 1, abortSignal: deps.signal },
    });
    const version = response.modelVersion ?? config.model;
    const cost = computeCost({ model: version, usage: response.usageMetadata }, config.pricing);
    return {
      name: "api_call",
      status: "ok",
      detail: `generateContent answered by ${version} (cost ${cost.cost === null ? "unknown" : `$${cost.cost.toFixed(8)}`})`,
    };
  } catch (error) {
    const classified = classifyError(error, { signal: deps.signal });
    return {
      name: "api_call",
      status: "fail",
      detail: `${classified.kind}${classified.status ? ` (HTTP ${classified.status})` : ""}: ${classified.message}`,
    };
  }
}

/** `gembatch doctor`: Node, config, API key, base URL, a one-token call and the model's prices, as checks. */
export async function runDoctor(options: RunDoctorOptions, deps: RunDoctorDeps): Promise<DoctorResult> {
  const { config } = options;
  const checks: Check[] = [nodeCheck(options.nodeVersion, deps.clock.now())];
  checks.push(
    options.configError
      ? { name: "config", status: "fail", detail: options.configError.message }
      : {
          name: "config",
          status: "ok",
          detail: config.configFile ? `${config.configFile} is valid` : "no gembatch.config.json (defaults in use)",
        },
  );
  const model = config.model;
  checks.push(apiKeyCheck(config.apiKey ? config.apiKeySource : undefined));
  const baseUrl = config.baseUrl ?? "https://generativelanguage.googleapis.com";
  checks.push(await baseUrlCheck(baseUrl, model, config.apiKey, deps.signal));
  if (options.skipApiCall) checks.push({ name: "api_call", status: "skip", detail: "skipped (--skip-api-call)" });
  else if (!config.apiKey) checks.push({ name: "api_call", status: "skip", detail: "skipped: no API key" });
  else checks.push(await apiCall(options, deps));
  const now = deps.clock.now();
  checks.push(...modelChecks(model, now, config.pricing));
  return { success: checks.every((c) => c.status !== "fail"), checks, model, base_url: config.baseUrl ?? null };
}
