import { z } from "zod";
import {
  classifyError,
  computeCost,
  createGeminiClient,
  defineCommand,
  ExitCode,
  type CommandContext,
} from "@gembatch/core";
import { apiKeyCheck, baseUrlCheck, nodeCheck, type Check, type Status } from "./environment-checks.js";
import { modelChecks } from "./model-checks.js";

export type { Check };

const schema = z
  .object({
    model: z.string().min(1).optional(),
    base_url: z.url().optional(),
    skip_api_call: z.boolean().optional(),
  })
  .strict();

async function apiCall(ctx: CommandContext, model: string): Promise<Check> {
  try {
    const client = await createGeminiClient({
      apiKey: ctx.config.apiKey,
      baseUrl: ctx.config.baseUrl,
      timeoutMs: 30_000,
    });
    const response = await client.models.generateContent({
      model,
      contents: "Reply with the single word: ok",
      config: { maxOutputTokens: 1, abortSignal: ctx.signal },
    });
    const version = response.modelVersion ?? model;
    const cost = computeCost({ model: version, usage: response.usageMetadata }, ctx.config.pricing);
    return {
      name: "api_call",
      status: "ok",
      detail: `generateContent answered by ${version} (cost ${cost.cost === null ? "unknown" : `$${cost.cost.toFixed(8)}`})`,
    };
  } catch (error) {
    const classified = classifyError(error, { signal: ctx.signal });
    return {
      name: "api_call",
      status: "fail",
      detail: `${classified.kind}${classified.status ? ` (HTTP ${classified.status})` : ""}: ${classified.message}`,
    };
  }
}

export const doctorCommand = defineCommand({
  name: "doctor",
  summary: "Check Node, config, API key, base URL, a one-token call, and prices",
  options: [
    { key: "model", type: "string", description: "model to check (default: config/env/gemini-flash-latest)" },
    {
      key: "base_url",
      type: "string",
      valueName: "url",
      description: "API base URL to check (default: GEMBATCH_BASE_URL or Google's)",
    },
    { key: "skip_api_call", type: "boolean", description: "do not make the one-token generateContent call" },
  ],
  examples: [
    "gembatch doctor",
    "gembatch doctor --json --skip-api-call",
    "GEMBATCH_BASE_URL=http://127.0.0.1:8080 gembatch doctor",
  ],
  schema,
  configOverrides: ["model", "base_url"],
  tolerateBadConfig: true,
  async run(input, ctx) {
    const checks: Check[] = [nodeCheck(process.versions.node, ctx.clock.now())];
    checks.push(
      ctx.configError
        ? { name: "config", status: "fail", detail: ctx.configError.message }
        : {
            name: "config",
            status: "ok",
            detail: ctx.config.configFile
              ? `${ctx.config.configFile} is valid`
              : "no gembatch.config.json (defaults in use)",
          },
    );
    const model = ctx.config.model;
    checks.push(apiKeyCheck(ctx.config.apiKey ? ctx.config.apiKeySource : undefined));
    const baseUrl = ctx.config.baseUrl ?? "https://generativelanguage.googleapis.com";
    checks.push(await baseUrlCheck(baseUrl, model, ctx.config.apiKey, ctx.signal));
    if (input.skip_api_call) checks.push({ name: "api_call", status: "skip", detail: "skipped (--skip-api-call)" });
    else if (!ctx.config.apiKey) checks.push({ name: "api_call", status: "skip", detail: "skipped: no API key" });
    else checks.push(await apiCall(ctx, model));
    const now = ctx.clock.now();
    checks.push(...modelChecks(model, now, ctx.config.pricing));
    return { success: checks.every((c) => c.status !== "fail"), checks, model, base_url: ctx.config.baseUrl ?? null };
  },
  exitCode(result) {
    if (result.success) return ExitCode.OK;
    const failed = result.checks.filter((c) => c.status === "fail").map((c) => c.name);
    return failed.some((n) => n === "api_key" || n === "api_call" || n === "base_url") &&
      !failed.includes("config") &&
      !failed.includes("node")
      ? ExitCode.API_ERROR
      : ExitCode.BAD_INPUT;
  },
  renderText(result) {
    const mark: Record<Status, string> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };
    const lines = result.checks.flatMap((c) => [
      `${mark[c.status]} ${c.name.padEnd(9)} ${c.detail}`,
      ...(c.hint ? [`  ${" ".repeat(9)} hint: ${c.hint}`] : []),
    ]);
    lines.push(
      "",
      result.success
        ? "All checks passed."
        : `${result.checks.filter((c) => c.status === "fail").length} check(s) failed.`,
    );
    return lines.join("\n");
  },
});
