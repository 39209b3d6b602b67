import { toTimestamp, type EmulatorClock } from "./clock.js";
import { invalidArgument, permissionDenied, unknownField } from "./google-errors.js";
import { randomId } from "./ids.js";
import { contentsText, contentsTokens, type FileLookup } from "./tokens.js";

interface StoredCache {
  id: string;
  /** Bare model id. */
  model: string;
  displayName: string | undefined;
  tokens: number;
  text: string;
  createTime: number;
  updateTime: number;
  expireTime: number;
}

export interface CacheStore {
  create(body: Record<string, unknown>, model: string): StoredCache;
  get(id: string): StoredCache;
  /** The live cache, or undefined when missing or expired. */
  find(id: string): StoredCache | undefined;
  list(): StoredCache[];
  update(id: string, body: Record<string, unknown>): StoredCache;
  remove(id: string): void;
  all(): StoredCache[];
  reset(): void;
}

const DEFAULT_TTL_MS = 3_600_000;
const CREATE_FIELDS = new Set([
  ...["model", "contents", "systemInstruction", "tools", "toolConfig"],
  ...["ttl", "expireTime", "displayName", "name"],
]);
const UPDATE_FIELDS = new Set(["ttl", "expireTime"]);

/** Google's documented minimums: 2,048 tokens for 2.x models, 4,096 for newer ones. */
export function defaultCacheMinTokens(model: string): number {
  return /^gemini-[12]\./.test(model) ? 2048 : 4096;
}

export function missingCache() {
  return permissionDenied("CachedContent not found (or permission denied)");
}

export function cacheIdFrom(reference: string): string {
  return reference.replace(/^cachedContents\//, "");
}

function parseTtl(value: unknown): number {
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  if (!match) {
    throw invalidArgument(
      `Invalid value at 'cached_content.ttl' (type.googleapis.com/google.protobuf.Duration), "${String(value)}"`,
    );
  }
  return Math.round(Number(match[1]) * 1000);
}

function parseExpireTime(value: unknown): number {
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw invalidArgument(
      `Invalid value at 'cached_content.expire_time' (type.googleapis.com/google.protobuf.Timestamp), "${String(value)}"`,
    );
  }
  return ms;
}

function checkFields(body: Record<string, unknown>, known: Set<string>): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))) throw unknownField(key);
  }
}

export function createCacheStore(options: {
  clock: EmulatorClock;
  minTokens: (model: string) => number;
  lookup: FileLookup;
}): CacheStore {
  const { clock } = options;
  let caches = new Map<string, StoredCache>();

  const live = (id: string): StoredCache | undefined => {
    const cache = caches.get(id);
    if (cache && clock.now() >= cache.expireTime) {
      caches.delete(id);
      return undefined;
    }
    return cache;
  };

  const expiry = (body: Record<string, unknown>, now: number): number | undefined => {
    if (body.ttl !== undefined) return now + parseTtl(body.ttl);
    const expireTime = body.expireTime ?? body.expire_time;
    return expireTime === undefined ? undefined : parseExpireTime(expireTime);
  };

  return {
    create(body, model) {
      checkFields(body, CREATE_FIELDS);
      const now = clock.now();
      const system = body.systemInstruction ?? body.system_instruction;
      const tokens = contentsTokens(body.contents, options.lookup) + contentsTokens(system, options.lookup);
      const min = options.minTokens(model);
      if (tokens < min) {
        throw invalidArgument(`Cached content is too small. total_token_count=${tokens}, min_total_token_count=${min}`);
      }
      const cache: StoredCache = {
        id: randomId(16),
        model,
        displayName: typeof body.displayName === "string" ? body.displayName : undefined,
        tokens,
        text: [contentsText(system), contentsText(body.contents)].filter((t) => t !== "").join("\n"),
        createTime: now,
        updateTime: now,
        expireTime: expiry(body, now) ?? now + DEFAULT_TTL_MS,
      };
      caches.set(cache.id, cache);
      return cache;
    },
    get(id) {
      const cache = live(id);
      if (!cache) throw missingCache();
      return cache;
    },
    find: live,
    list() {
      return [...caches.keys()]
        .map((id) => live(id))
        .filter((c): c is StoredCache => c !== undefined)
        .sort((a, b) => b.createTime - a.createTime);
    },
    update(id, body) {
      checkFields(body, UPDATE_FIELDS);
      const cache = live(id);
      if (!cache) throw missingCache();
      const now = clock.now();
      const expireTime = expiry(body, now);
      if (expireTime === undefined)
        throw invalidArgument("* UpdateCachedContentRequest: ttl or expire_time must be set\n");
      cache.expireTime = expireTime;
      cache.updateTime = now;
      return cache;
    },
    remove(id) {
      if (!live(id)) throw missingCache();
      caches.delete(id);
    },
    all: () => [...caches.values()],
    reset() {
      caches = new Map();
    },
  };
}

export function cacheResource(cache: StoredCache): Record<string, unknown> {
  return {
    name: `cachedContents/${cache.id}`,
    model: `models/${cache.model}`,
    ...(cache.displayName !== undefined ? { displayName: cache.displayName } : {}),
    createTime: toTimestamp(cache.createTime),
    updateTime: toTimestamp(cache.updateTime),
    expireTime: toTimestamp(cache.expireTime),
    usageMetadata: { totalTokenCount: cache.tokens },
  };
}
