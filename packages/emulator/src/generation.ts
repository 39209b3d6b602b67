import { cacheIdFrom, missingCache } from "./cache-store.js";
import { toTimestamp } from "./clock.js";
import { invalidArgument, GoogleApiError } from "./google-errors.js";
import { randomId } from "./ids.js";
import { generate, type Generation } from "./respond.js";
import type { Reply } from "./script-schema.js";
import type { ScriptRoute } from "./script.js";
import type { EmulatorState } from "./state.js";
import { contentsText, contentsTokens } from "./tokens.js";
import { validateGenerateRequest, type GenerateRequest } from "./validate-request.js";

export interface PreparedRequest {
  request: GenerateRequest;
  model: string;
  promptTokens: number;
  cachedTokens: number;
  text: string;
  cacheName: string | undefined;
}

/** Validates a GenerateContentRequest and resolves its cached content; throws Google's 400/403. */
export function prepareRequest(state: EmulatorState, body: Record<string, unknown>, model: string): PreparedRequest {
  const request = validateGenerateRequest(body);
  let cachedTokens = 0;
  let cacheText = "";
  let cacheName: string | undefined;
  if (request.cachedContent) {
    const cache = state.caches.find(cacheIdFrom(request.cachedContent));
    if (!cache) throw missingCache();
    if (cache.model !== model) {
      throw invalidArgument(
        `Model used by GenerateContent request (models/${model}) and CachedContent (models/${cache.model}) has to be the same.`,
      );
    }
    if (request.systemInstruction !== undefined || request.hasTools) {
      throw invalidArgument(
        "CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config.\n\n" +
          "Proposed fix: move those values to CachedContent from GenerateContent request.",
      );
    }
    cachedTokens = cache.tokens;
    cacheText = cache.text;
    cacheName = `cachedContents/${cache.id}`;
  }
  const lookup = state.fileLookup;
  const ownTokens = contentsTokens(request.contents, lookup) + contentsTokens(request.systemInstruction, lookup);
  const text = [cacheText, contentsText(request.systemInstruction), contentsText(request.contents)]
    .filter((t) => t !== "")
    .join("\n");
  return { request, model, promptTokens: ownTokens + cachedTokens, cachedTokens, text, cacheName };
}

interface ScriptedGeneration {
  generation: Generation;
  reply: Reply;
  scriptEntry: number | undefined;
}

export function runScript(
  state: EmulatorState,
  prepared: PreparedRequest,
  options: { route: ScriptRoute; key?: string | undefined },
): ScriptedGeneration {
  const { reply, entry } = state.script.reply({
    route: options.route,
    model: prepared.model,
    text: prepared.text,
    ...(options.key !== undefined ? { key: options.key } : {}),
  });
  const generation = generate({
    reply,
    modelVersion: state.settings.modelVersions[prepared.model] ?? prepared.model,
    promptTokens: prepared.promptTokens,
    cachedTokens: prepared.cachedTokens,
    maxOutputTokens: prepared.request.maxOutputTokens,
    includeThoughts: prepared.request.includeThoughts,
    responseId: randomId(22),
  });
  return { generation, reply, scriptEntry: entry };
}

/** Records one model call in the server record. */
export function recordGeneration(
  state: EmulatorState,
  options: {
    route: "generateContent" | "streamGenerateContent" | "batch";
    prepared: PreparedRequest;
    scripted?: ScriptedGeneration;
    status: number;
    key?: string | undefined;
    batch?: string;
  },
): void {
  const { prepared, scripted } = options;
  state.recorder.generate({
    at: toTimestamp(state.clock.now()),
    route: options.route,
    model: prepared.model,
    prompt: prepared.text,
    promptTokens: prepared.promptTokens,
    ...(options.key !== undefined ? { key: options.key } : {}),
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
    ...(prepared.cacheName !== undefined ? { cachedContent: prepared.cacheName } : {}),
    status: options.status,
    ...(scripted?.generation.finishReason ? { finishReason: scripted.generation.finishReason } : {}),
    ...(scripted?.scriptEntry !== undefined ? { scriptEntry: scripted.scriptEntry } : {}),
    ...(Object.keys(prepared.request.settings).length > 0 ? { settings: prepared.request.settings } : {}),
  });
}

export function asGoogleError(error: unknown): GoogleApiError | undefined {
  return error instanceof GoogleApiError ? error : undefined;
}
