import path from "node:path";
import type { GoogleGenAI } from "@google/genai";
import type { CliError, Clock, EventLog, GenerateDeps, Pricing, ThinkingSetting } from "@gembatch/core";
import type { Budget } from "./budget.js";
import { displayPath, writeFileAtomic, writeJson } from "./run-dir.js";
import type { FileResult, StopReason, Via } from "./types.js";

export interface ActiveCache {
  name: string;
  tokens: number;
  systemInstruction: string;
  contents: string[];
  expiresAt: number;
}

/** Everything one run shares between its files: settings, the report, the budget, the client. */
export interface RunContext {
  runDir: string;
  runName: string;
  projectRoot: string;
  model: string;
  via: Via;
  maxTokens: number;
  temperature: number | undefined;
  thinking: ThinkingSetting | null;
  continueTruncated: number;
  report: string;
  reportSha: string;
  clock: Clock;
  pricing: Pricing;
  budget: Budget;
  events: EventLog;
  signal: AbortSignal;
  client: GoogleGenAI;
  generate: GenerateDeps;
  cache: ActiveCache | null;
  warn(message: string): void;
}

/** How a file's sending ended: a result to report, and/or a reason to stop the whole run. */
export interface FileOutcome {
  result?: FileResult;
  stop?: { reason: StopReason; error?: CliError };
}

export function runPath(run: Pick<RunContext, "runDir">, name: string): string {
  return path.join(run.runDir, name);
}

export function shown(run: Pick<RunContext, "runDir" | "projectRoot">, name: string): string {
  return displayPath(run.projectRoot, runPath(run, name));
}

export function writeRunFile(run: Pick<RunContext, "runDir">, name: string, text: string): void {
  writeFileAtomic(runPath(run, name), text);
}

export function writeRunJson(run: Pick<RunContext, "runDir">, name: string, value: unknown): void {
  writeJson(runPath(run, name), value);
}

/** Whether a failure the retry policy gave up on dooms every other file too (bad key, quota, network). */
export function isRunFatal(error: CliError): boolean {
  return ["API_AUTH", "API_QUOTA", "API_UNREACHABLE", "NO_API_KEY"].includes(error.code);
}
