/** Every Gemini route the emulator serves; fault rules and the record name routes this way. */
const ROUTE_NAMES = [
  "generateContent",
  "streamGenerateContent",
  "countTokens",
  "files.upload",
  "files.uploadChunk",
  "files.get",
  "files.list",
  "files.delete",
  "files.download",
  "batches.create",
  "batches.get",
  "batches.list",
  "batches.cancel",
  "batches.delete",
  "caches.create",
  "caches.get",
  "caches.list",
  "caches.update",
  "caches.delete",
] as const;

export type RouteName = (typeof ROUTE_NAMES)[number];

interface MatchedRoute {
  route: RouteName;
  /** `models/x` or `tunedModels/x` for model routes; the bare id for files, batches and caches. */
  resource?: string;
}

const ROUTE_ALIASES: Record<string, RouteName> = {
  upload: "files.upload",
  "file.upload": "files.upload",
  "batch.create": "batches.create",
  "batch.get": "batches.get",
  "batch.list": "batches.list",
  "batch.cancel": "batches.cancel",
  "batch.delete": "batches.delete",
  batchGenerateContent: "batches.create",
  "models.generateContent": "generateContent",
  "models.streamGenerateContent": "streamGenerateContent",
  "models.countTokens": "countTokens",
};

/** Accepts the canonical names, `batch.*`/`file.*`/`cache.*`/`cachedContents.*` spellings and a few aliases. */
export function normalizeRouteName(name: string): RouteName | undefined {
  if ((ROUTE_NAMES as readonly string[]).includes(name)) return name as RouteName;
  if (ROUTE_ALIASES[name]) return ROUTE_ALIASES[name];
  const rewritten = name
    .replace(/^file\./, "files.")
    .replace(/^batch\./, "batches.")
    .replace(/^(cache|cachedContents)\./, "caches.");
  return (ROUTE_NAMES as readonly string[]).includes(rewritten) ? (rewritten as RouteName) : undefined;
}

const MODEL_VERBS: Record<string, RouteName> = {
  generateContent: "generateContent",
  streamGenerateContent: "streamGenerateContent",
  countTokens: "countTokens",
  batchGenerateContent: "batches.create",
};

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function splitVerb(tail: string): { id: string; verb: string | undefined } {
  const at = tail.lastIndexOf(":");
  return at < 0 ? { id: tail, verb: undefined } : { id: tail.slice(0, at), verb: tail.slice(at + 1) };
}

function matchModelRoute(method: string, kind: string, tail: string): MatchedRoute | undefined {
  const { id, verb } = splitVerb(tail);
  const route = verb ? MODEL_VERBS[verb] : undefined;
  if (method !== "POST" || !route || !id || id.includes("/")) return undefined;
  return { route, resource: `${kind}/${id}` };
}

function matchCollection(method: string, collection: string, tail: string | undefined): MatchedRoute | undefined {
  const prefix = collection === "cachedContents" ? "caches" : collection;
  if (tail === undefined) {
    if (method === "GET") return { route: `${prefix}.list` as RouteName };
    if (method === "POST" && collection === "cachedContents") return { route: "caches.create" };
    return undefined;
  }
  const { id, verb } = splitVerb(tail);
  if (!id || id.includes("/")) return undefined;
  if (collection === "files" && verb === "download" && method === "GET")
    return { route: "files.download", resource: id };
  if (collection === "batches" && verb === "cancel" && method === "POST")
    return { route: "batches.cancel", resource: id };
  if (verb !== undefined) return undefined;
  if (method === "GET") return { route: `${prefix}.get` as RouteName, resource: id };
  if (method === "DELETE") return { route: `${prefix}.delete` as RouteName, resource: id };
  if (method === "PATCH" && collection === "cachedContents") return { route: "caches.update", resource: id };
  return undefined;
}

/** Maps a method and path to a Gemini route, or undefined for anything the API would answer with 404. */
export function matchRoute(method: string, pathname: string): MatchedRoute | undefined {
  const upload = /^\/upload\/v1(?:alpha|beta)?\/files$/.exec(pathname);
  if (upload) return method === "POST" ? { route: "files.upload" } : undefined;
  const download = /^\/download\/v1(?:alpha|beta)?\/files\/([^/]+):download$/.exec(pathname);
  if (download) return method === "GET" ? matchCollection(method, "files", `${download[1]}:download`) : undefined;

  const api = /^\/v1(?:alpha|beta)?\/(models|tunedModels|files|batches|cachedContents)(?:\/(.+))?$/.exec(pathname);
  if (!api) return undefined;
  const collection = api[1] as string;
  const tail = api[2] === undefined ? undefined : decode(api[2]);
  if (api[2] !== undefined && tail === undefined) return undefined;
  if (collection === "models" || collection === "tunedModels") {
    return tail === undefined ? undefined : matchModelRoute(method, collection, tail);
  }
  return matchCollection(method, collection, tail);
}
