import type { IncomingMessage, ServerResponse } from "node:http";

import type { FaultAction } from "../faults.js";
import { JSON_BODY_LIMIT, parseJsonBody, readBody, sendJson, type ResponseControl } from "../http-util.js";
import type { RouteName } from "../route-table.js";
import type { EmulatorState } from "../state.js";

/** One request on its way through a route handler. */
export interface RouteContext {
  state: EmulatorState;
  req: IncomingMessage;
  res: ServerResponse;
  route: RouteName;
  /** `models/x` for model routes; the bare id for files, batches and caches. */
  resource: string | undefined;
  query: URLSearchParams;
  /** A stream fault (`stream_cut`, `stream_error`) for the stream handler to act out. */
  fault: FaultAction | undefined;
  /** How every response of this request should misbehave (a `reset` fault). */
  control: ResponseControl;
  body(limit?: number): Promise<Buffer>;
  json(): Promise<Record<string, unknown>>;
  send(status: number, value: unknown, headers?: Record<string, string>): void;
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

export function createContext(options: {
  state: EmulatorState;
  req: IncomingMessage;
  res: ServerResponse;
  route: RouteName;
  resource: string | undefined;
  query: URLSearchParams;
}): RouteContext {
  let body: Promise<Buffer> | undefined;
  const ctx: RouteContext = {
    ...options,
    fault: undefined,
    control: {},
    body(limit = JSON_BODY_LIMIT) {
      body ??= readBody(options.req, limit);
      return body;
    },
    async json() {
      return parseJsonBody(await ctx.body());
    },
    send(status, value, headers) {
      sendJson(options.res, { status, value, ...(headers ? { headers } : {}), control: ctx.control });
    },
  };
  return ctx;
}
