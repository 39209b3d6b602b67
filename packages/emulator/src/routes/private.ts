import type { IncomingMessage, ServerResponse } from "node:http";

import { EmulatorConfigError } from "../config-error.js";
import { parseFaults } from "../faults.js";
import { GoogleApiError } from "../google-errors.js";
import { parseJsonBody, readBody, sendJson } from "../http-util.js";
import { parseQuotas } from "../quotas.js";
import { parseScript } from "../script-schema.js";
import type { EmulatorState } from "../state.js";

export const PRIVATE_PREFIX = "/__emulator/";

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, 64 * 1024 * 1024);
  const text = body.toString("utf8").trim();
  if (text.startsWith("[")) return JSON.parse(text) as unknown;
  return parseJsonBody(body);
}

/**
 * The emulator's own routes, outside the Gemini API and not guarded by the API key:
 * GET record, GET health, POST reset, PUT script, PUT faults (replace), POST faults (append), PUT quotas.
 */
export async function handlePrivate(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const action = `${req.method ?? "GET"} ${pathname.slice(PRIVATE_PREFIX.length)}`;
  try {
    switch (action) {
      case "GET record":
        return sendJson(res, { status: 200, value: state.snapshot() });
      case "GET health":
        return sendJson(res, {
          status: 200,
          value: { ok: true, url: state.baseUrl, now: new Date(state.clock.now()).toISOString() },
        });
      case "POST reset":
        await readBody(req, 1024 * 1024);
        state.reset();
        return sendJson(res, { status: 200, value: {} });
      case "PUT script":
        state.script.set(parseScript(await readJson(req)));
        return sendJson(res, { status: 200, value: {} });
      case "PUT faults": {
        const faults = parseFaults(await readJson(req));
        state.faults.set(faults.rules, faults.seed);
        return sendJson(res, { status: 200, value: {} });
      }
      case "POST faults":
        state.faults.add(parseFaults(await readJson(req)).rules);
        return sendJson(res, { status: 200, value: {} });
      case "PUT quotas":
        state.quotas.set(parseQuotas(await readJson(req)));
        return sendJson(res, { status: 200, value: {} });
      default:
        return sendJson(res, {
          status: 404,
          value: { error: { code: 404, message: `No emulator route ${action}`, status: "NOT_FOUND" } },
        });
    }
  } catch (error) {
    const message =
      error instanceof EmulatorConfigError || error instanceof GoogleApiError || error instanceof SyntaxError
        ? error.message
        : String(error);
    sendJson(res, { status: 400, value: { error: { code: 400, message, status: "INVALID_ARGUMENT" } } });
  }
}
