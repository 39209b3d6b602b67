import type { IncomingMessage, ServerResponse } from "node:http";

import type { GoogleApiError } from "./google-errors.js";
import { MESSAGES, invalidArgument, invalidJson } from "./google-errors.js";

/** Google refuses request bodies above 20 MiB on the JSON endpoints. */
export const JSON_BODY_LIMIT = 20 * 1024 * 1024;

/** How a response should misbehave: `reset` sends the head and part of the body, then destroys the socket. */
export interface ResponseControl {
  reset?: boolean;
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  if (tooLarge) throw invalidArgument(MESSAGES.payloadTooLarge);
  return Buffer.concat(chunks, size);
}

/** Parses a JSON request body; an empty body counts as `{}`, as the proto-JSON parser treats it. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString("utf8");
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidJson(`Unexpected token.\n${text.slice(0, 60)}\n^`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidJson("Root element must be a message.");
  }
  return value as Record<string, unknown>;
}

/**
 * Reads and drops whatever is left of a request body, so a refusal sent before the body was read
 * (a fault, a bad key) reaches the client as an HTTP answer rather than a connection torn mid-upload.
 */
export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  req.resume();
  await new Promise<void>((resolve) => {
    req.once("end", resolve);
    req.once("close", resolve);
  });
}

export function isWritable(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded && !res.socket?.destroyed;
}

export function sendBytes(
  res: ServerResponse,
  options: { status: number; body: Buffer; headers?: Record<string, string>; control?: ResponseControl },
): void {
  if (!isWritable(res)) return;
  const { status, body, headers = {}, control } = options;
  res.writeHead(status, { ...headers, "content-length": String(body.length) });
  if (control?.reset) {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    // Give the partial body a moment to leave before the socket dies, so the client sees a body cut short.
    setImmediate(() => res.socket?.destroy());
    return;
  }
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  options: { status: number; value: unknown; headers?: Record<string, string>; control?: ResponseControl },
): void {
  const body = Buffer.from(JSON.stringify(options.value));
  sendBytes(res, {
    status: options.status,
    body,
    headers: { "content-type": "application/json; charset=UTF-8", ...options.headers },
    ...(options.control ? { control: options.control } : {}),
  });
}

export function sendError(res: ServerResponse, error: GoogleApiError, control?: ResponseControl): void {
  sendJson(res, { status: error.code, value: error.toBody(), ...(control ? { control } : {}) });
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
