import { z } from "zod";
import { defineCommand, ExitCode } from "@gembatch/core";
import type { Status } from "./environment-checks.js";
import type { DoctorResult } from "./run-doctor.js";

export type { Check } from "./environment-checks.js";
export type { DoctorResult } from "./run-doctor.js";

const schema = z
  .object({
    model: z.string().min(1).optional(),
    base_url: z.url().optional(),
    skip_api_call: z.boolean().optional(),
  })
  .strict();

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
  async run(input, ctx): Promise<DoctorResult> {
    const { runDoctor } = await import("./run-doctor.js");
    return runDoctor(
      {
        config: ctx.config,
        ...(ctx.configError ? { configError: ctx.configError } : {}),
        skipApiCall: input.skip_api_call ?? false,
        nodeVersion: process.versions.node,
      },
      { clock: ctx.clock, signal: ctx.signal },
    );
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
