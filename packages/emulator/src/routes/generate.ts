import { sleep, toTimestamp } from "../clock.js";
import { prepareRequest, recordGeneration, runScript, type PreparedRequest } from "../generation.js";
import { GoogleApiError, statusForCode } from "../google-errors.js";
import { headerValue, isWritable } from "../http-util.js";
import { checkModel } from "../models.js";
import { streamChunks } from "../respond.js";
import { contentsTokens } from "../tokens.js";
import { validateCountTokensRequest } from "../validate-request.js";
import type { RouteContext } from "./context.js";

type SyncRoute = "generateContent" | "streamGenerateContent";

/** Validates, enforces quotas and runs the script; shared by the unary and the streaming route. */
async function admit(ctx: RouteContext, route: SyncRoute) {
  const { state } = ctx;
  const model = checkModel(ctx.resource ?? "", route, state.settings.models);
  const prepared = prepareRequest(state, await ctx.json(), model);
  const refusal = state.quotas.admitGenerate(model, prepared.promptTokens);
  if (refusal) {
    state.recorder.rejection({
      at: toTimestamp(state.clock.now()),
      route,
      model,
      quotaIds: refusal.quotaIds,
      source: "quota",
    });
    recordGeneration(state, { route, prepared, status: 429 });
    throw refusal.error;
  }
  const scripted = runScript(state, prepared, { route });
  if (scripted.reply.delayMs) await sleep(state.clock, scripted.reply.delayMs);
  return { prepared, scripted };
}

/**
 * `{{api_key}}`, `{{api_key_url}}` and `{{api_key_base64}}` in a scripted error message stand for the key
 * the request carried (as is, percent-encoded, base64 of `x-goog-api-key: KEY`), the way a careless
 * proxy or gateway echoes it, so tests can check that a key in an error body goes no further.
 */
function echoApiKey(message: string, ctx: Pick<RouteContext, "req" | "query">): string {
  if (!message.includes("{{api_key")) return message;
  const key = headerValue(ctx.req, "x-goog-api-key") ?? ctx.query.get("key") ?? "";
  return message
    .replaceAll("{{api_key}}", key)
    .replaceAll("{{api_key_url}}", encodeURIComponent(key))
    .replaceAll("{{api_key_base64}}", Buffer.from(`x-goog-api-key: ${key}`).toString("base64"));
}

function scriptedFailure(
  ctx: RouteContext,
  route: SyncRoute,
  prepared: PreparedRequest,
  error: { code: number; message: string; status: string },
): never {
  recordGeneration(ctx.state, { route, prepared, status: error.code });
  throw new GoogleApiError({ code: error.code, message: echoApiKey(error.message, ctx), status: error.status });
}

export async function generateContent(ctx: RouteContext): Promise<void> {
  const { prepared, scripted } = await admit(ctx, "generateContent");
  const { generation } = scripted;
  if (generation.error) scriptedFailure(ctx, "generateContent", prepared, generation.error);
  recordGeneration(ctx.state, { route: "generateContent", prepared, scripted, status: 200 });
  ctx.send(200, generation.body);
}

function event(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
}

export async function streamGenerateContent(ctx: RouteContext): Promise<void> {
  const { prepared, scripted } = await admit(ctx, "streamGenerateContent");
  const { generation, reply } = scripted;
  if (generation.error) scriptedFailure(ctx, "streamGenerateContent", prepared, generation.error);
  recordGeneration(ctx.state, { route: "streamGenerateContent", prepared, scripted, status: 200 });

  const { res, state } = ctx;
  const chunks = streamChunks(generation, { chunks: state.settings.stream.chunks, reply });
  const fault = ctx.fault;
  const cut = ctx.control.reset ? "reset" : fault?.kind;
  const dropFinal = cut === "stream_cut" && fault?.mode === "drop_final";
  const wanted = fault?.afterChunks ?? (dropFinal ? chunks.length - 1 : 1);
  const keep = cut ? Math.min(wanted, chunks.length - (cut === "stream_cut" ? 1 : 0)) : chunks.length;
  if (!isWritable(res)) return;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (let i = 0; i < chunks.length; i += 1) {
    if (i > 0 && state.settings.stream.chunkDelayMs > 0) await sleep(state.clock, state.settings.stream.chunkDelayMs);
    if (!isWritable(res)) return;
    if (cut && i >= keep) break;
    res.write(event(chunks[i]));
  }
  if (cut === "reset") {
    setImmediate(() => res.socket?.destroy());
    return;
  }
  if (cut === "stream_cut" && !dropFinal) {
    const partial = event(chunks[keep]);
    res.write(partial.slice(0, Math.max(8, Math.floor(partial.length / 2))));
  }
  if (cut === "stream_error") {
    res.write(event({ error: { code: 500, message: "An internal error has occurred.", status: statusForCode(500) } }));
  }
  res.end();
}

export async function countTokens(ctx: RouteContext): Promise<void> {
  const { state } = ctx;
  checkModel(ctx.resource ?? "", "countTokens", state.settings.models);
  const { contents, systemInstruction } = validateCountTokensRequest(await ctx.json());
  const total = contentsTokens(contents, state.fileLookup) + contentsTokens(systemInstruction, state.fileLookup);
  ctx.send(200, { totalTokens: total, promptTokensDetails: [{ modality: "TEXT", tokenCount: total }] });
}
