import type { IncomingMessage, ServerResponse } from "node:http";

import { sleep, toTimestamp } from "./clock.js";
import type { FaultAction } from "./faults.js";
import { apiKeyInvalid, apiKeyMissing, GoogleApiError, MESSAGES, notFound, serverError } from "./google-errors.js";
import { drain, headerValue, isWritable, sendError } from "./http-util.js";
import { modelId } from "./models.js";
import { matchRoute, type RouteName } from "./route-table.js";
import { cancelBatch, createBatch, deleteBatch, getBatch, listBatches } from "./routes/batches.js";
import { createCache, deleteCache, getCache, listCaches, updateCache } from "./routes/caches.js";
import { createContext, type RouteContext, type RouteHandler } from "./routes/context.js";
import { deleteFile, downloadFile, getFile, listFiles, uploadChunk, uploadStart } from "./routes/files.js";
import { countTokens, generateContent, streamGenerateContent } from "./routes/generate.js";
import { handlePrivate, PRIVATE_PREFIX } from "./routes/private.js";
import type { EmulatorState } from "./state.js";

const HANDLERS: Record<RouteName, RouteHandler> = {
  generateContent,
  streamGenerateContent,
  countTokens,
  "files.upload": uploadStart,
  "files.uploadChunk": uploadChunk,
  "files.get": getFile,
  "files.list": listFiles,
  "files.delete": deleteFile,
  "files.download": downloadFile,
  "batches.create": createBatch,
  "batches.get": getBatch,
  "batches.list": listBatches,
  "batches.cancel": cancelBatch,
  "batches.delete": deleteBatch,
  "caches.create": createCache,
  "caches.get": getCache,
  "caches.list": listCaches,
  "caches.update": updateCache,
  "caches.delete": deleteCache,
};

const MODEL_ROUTES = new Set<RouteName>(["generateContent", "streamGenerateContent", "countTokens", "batches.create"]);

function authenticate(req: IncomingMessage, query: URLSearchParams, keys: string | string[] | undefined): void {
  const key = headerValue(req, "x-goog-api-key") ?? query.get("key") ?? "";
  if (key === "") throw apiKeyMissing();
  if (keys === undefined) return;
  const accepted = Array.isArray(keys) ? keys : [keys];
  if (!accepted.includes(key)) throw apiKeyInvalid();
}

/** Turns a fault into the refusal it stands for, or arms the context for a misbehaving response. */
function applyFault(ctx: RouteContext, action: FaultAction, model: string | undefined): void {
  const { state, route } = ctx;
  const at = toTimestamp(state.clock.now());
  state.recorder.fault({ at, route, kind: action.kind });
  const rejection = (quotaIds: string[]) =>
    state.recorder.rejection({ at, route, model: model ?? null, quotaIds, source: "fault" });
  switch (action.kind) {
    case "rate_limit_429":
    case "daily_quota_429": {
      const kind = action.kind === "rate_limit_429" ? "rpm" : "rpd";
      const refusal = state.quotas.faultError(kind, model ?? "unspecified", action.retryDelaySeconds);
      rejection(refusal.quotaIds);
      throw refusal.error;
    }
    case "batch_create_429":
      rejection([]);
      throw state.quotas.batchFaultError().error;
    case "500":
    case "503":
    case "504":
      throw serverError(Number(action.kind) as 500 | 503 | 504);
    case "reset":
      ctx.control.reset = true;
      return;
    case "stream_cut":
    case "stream_error":
      if (route === "streamGenerateContent") ctx.fault = action;
      else if (action.kind === "stream_cut") ctx.control.reset = true;
      else throw serverError(500);
      return;
  }
}

function trackStatus(state: EmulatorState, route: RouteName, res: ServerResponse): void {
  res.once("close", () => state.recorder.status(route, res.writableFinished ? res.statusCode : "reset"));
}

export async function dispatch(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  if (url.pathname.startsWith(PRIVATE_PREFIX)) return handlePrivate(state, req, res, url.pathname);

  const matched = matchRoute(req.method ?? "GET", url.pathname);
  if (!matched) {
    await drain(req);
    sendError(res, notFound(`The requested URL ${url.pathname} was not found on this server.`));
    return;
  }
  const route: RouteName =
    matched.route === "files.upload" && url.searchParams.has("upload_id") ? "files.uploadChunk" : matched.route;
  state.recorder.request(route);
  trackStatus(state, route, res);
  const ctx = createContext({ state, req, res, route, resource: matched.resource, query: url.searchParams });
  try {
    if (route !== "files.uploadChunk") authenticate(req, url.searchParams, state.settings.apiKey);
    const model = MODEL_ROUTES.has(route) && matched.resource ? modelId(matched.resource) : undefined;
    const decision = state.faults.next(route, model);
    if (decision.latencyMs > 0) await sleep(state.clock, decision.latencyMs);
    const after =
      decision.action?.after && ["500", "503", "504"].includes(decision.action.kind) ? decision.action : undefined;
    if (decision.action && !after) applyFault(ctx, decision.action, model);
    if (after) {
      // The handler's answer is dropped: the client sees only the error, the server keeps the effect.
      ctx.send = () => undefined;
      await HANDLERS[route](ctx);
      applyFault(ctx, after, model);
    } else {
      await HANDLERS[route](ctx);
    }
  } catch (error) {
    if (error instanceof GoogleApiError) {
      await drain(req);
      sendError(res, error, ctx.control);
      return;
    }
    // A client that goes away mid-request (killed, timed out, aborted) is not the emulator's fault.
    if (req.destroyed || !isWritable(res)) return;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    state.recorder.internalError({ at: toTimestamp(state.clock.now()), route, message });
    sendError(res, new GoogleApiError({ code: 500, message: MESSAGES.internal }), ctx.control);
  }
}
