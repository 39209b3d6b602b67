import { ApiError, type GoogleGenAI } from "@google/genai";
import { useEmulatorClient } from "@gembatch/test-utils";
import { expect } from "vitest";

import type { EmulatorOptions } from "../../src/config.js";
import type { Emulator } from "../../src/server.js";

export const API_KEY = "test-key";
export const MODEL = "gemini-2.5-flash";

/** Starts an emulator on 127.0.0.1:0 for the current test, with a real SDK client pointed at it. */
export async function useEmulator(options: EmulatorOptions = {}): Promise<{ emu: Emulator; ai: GoogleGenAI }> {
  const { emu, client } = await useEmulatorClient(API_KEY, options);
  return { emu, ai: client };
}

export interface ErrorEnvelope {
  error: { code: number; message: string; status: string; details?: Record<string, unknown>[] };
}

/** Awaits a call that must fail with an ApiError; returns its HTTP status and the parsed error body. */
export async function apiFailure(call: Promise<unknown>): Promise<{ status: number; body: ErrorEnvelope }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  const apiError = error as ApiError;
  return { status: apiError.status, body: JSON.parse(apiError.message) as ErrorEnvelope };
}

/** Raw HTTP against the emulator, for what the SDK cannot send (bad JSON, no key) or hides (batchStats). */
export async function raw(
  emu: Emulator,
  path: string,
  init: { method?: string; body?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  if (init.key !== null) headers["x-goog-api-key"] = init.key ?? API_KEY;
  const res = await fetch(`${emu.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export function detail(body: ErrorEnvelope, type: string): Record<string, unknown> | undefined {
  return body.error.details?.find((d) => String(d["@type"]).endsWith(type));
}
