import http from "node:http";
import https from "node:https";
import { text as readText } from "node:stream/consumers";
import type { GoogleGenAI } from "@google/genai";

export interface RemoteJob {
  name: string;
  displayName?: string | undefined;
  state?: string | undefined;
  responsesFile?: string | null;
  inlined?: boolean;
  batchStats?: Record<string, number> | undefined;
  endTime?: string;
}

/** Where Google should notify when a job ends (the SDK's `CreateBatchJobConfig.webhookConfig`). */
export interface WebhookConfig {
  uris: string[];
  userMetadata?: Record<string, string>;
}

export interface BatchApi {
  upload(
    file: string,
    displayName: string,
    signal?: AbortSignal,
  ): Promise<{ name: string; uri: string | null; expirationTime: string | null }>;
  fileAlive(name: string, signal?: AbortSignal): Promise<boolean>;
  create(
    model: string,
    fileName: string,
    displayName: string,
    options?: { webhook?: WebhookConfig; signal?: AbortSignal },
  ): Promise<RemoteJob>;
  /**
   * Every job, page by page; `retryPage` wraps each page's request, so a failed page is asked again, not the whole
   * list.
   */
  listAll(signal?: AbortSignal, retryPage?: <T>(request: () => Promise<T>) => Promise<T>): Promise<RemoteJob[]>;
  /** Raw REST get: the SDK drops batchStats, which progress needs. */
  get(name: string, signal?: AbortSignal): Promise<RemoteJob & { raw: Record<string, unknown> }>;
  cancel(name: string, signal?: AbortSignal): Promise<void>;
  download(fileName: string, downloadPath: string, signal?: AbortSignal): Promise<void>;
}

function stats(raw: unknown): Record<string, number> | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, Number(v)]));
}

const REST_TIMEOUT_MS = 300_000;

const abortError = () => new DOMException("This operation was aborted", "AbortError");

/** The Batch and Files API calls submit needs, over the real SDK (and raw REST where the SDK loses data). */
export function createBatchApi(
  getClient: () => Promise<GoogleGenAI>,
  rest: { baseUrl?: string | undefined; apiKey: () => string },
): BatchApi {
  // The client is made on first use, so input errors are reported before a missing key is.
  let made: Promise<GoogleGenAI> | undefined;
  const clientOf = () => (made ??= getClient());
  const base = (rest.baseUrl ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
  // node:http rather than fetch: job states are read many times a minute while batches wait for room,
  // and a fetch costs several times the CPU of a plain request (its web streams and signals). One abort
  // listener per signal ends every read in flight (a listener per read would pass Node's leak warning).
  const reading = new WeakMap<AbortSignal, Set<http.ClientRequest>>();
  function readsOf(signal: AbortSignal): Set<http.ClientRequest> {
    let set = reading.get(signal);
    if (!set) {
      const requests = new Set<http.ClientRequest>();
      signal.addEventListener(
        "abort",
        () => {
          for (const request of requests) request.destroy(abortError());
        },
        { once: true },
      );
      reading.set(signal, (set = requests));
    }
    return set;
  }
  async function restGet(resource: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (signal?.aborted) throw abortError();
    const url = new URL(`${base}/v1beta/${resource}`);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = (url.protocol === "https:" ? https : http).get(
        url,
        { headers: { "x-goog-api-key": rest.apiKey() } },
        (response) => {
          readText(response).then((body) => resolve({ status: response.statusCode ?? 0, text: body }), reject);
        },
      );
      const inFlight = signal ? readsOf(signal) : undefined;
      inFlight?.add(request);
      request.on("close", () => inFlight?.delete(request));
      request.on("error", reject);
      // fetch's own limit: a read that never answers is cut and retried rather than waited on for ever.
      request.setTimeout(REST_TIMEOUT_MS, () =>
        request.destroy(Object.assign(new Error("no answer within 300 s"), { code: "ETIMEDOUT" })),
      );
    });
    if (status < 200 || status >= 300) {
      // Shaped like the SDK's ApiError so the retry policy classifies it the same way.
      const error = new Error(text || `HTTP ${status}`) as Error & { status: number };
      error.name = "ApiError";
      error.status = status;
      throw error;
    }
    return JSON.parse(text) as Record<string, unknown>;
  }
  return {
    async upload(file, displayName, signal) {
      const uploaded = await (
        await clientOf()
      ).files.upload({
        file,
        config: { mimeType: "application/jsonl", displayName, ...(signal ? { abortSignal: signal } : {}) },
      });
      return { name: uploaded.name!, uri: uploaded.uri ?? null, expirationTime: uploaded.expirationTime ?? null };
    },
    async fileAlive(name, signal) {
      try {
        const file = await (await clientOf()).files.get({ name, config: signal ? { abortSignal: signal } : {} });
        // The wire value, compared as a string: the SDK's FileState enum is a runtime import this module defers.
        const state: string | undefined = file.state;
        return state !== "FAILED";
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 403 || status === 404) return false;
        throw error;
      }
    },
    async create(model, fileName, displayName, options = {}) {
      const config = {
        displayName,
        ...(options.webhook ? { webhookConfig: options.webhook } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      };
      const job = await (await clientOf()).batches.create({ model, src: fileName, config });
      return { name: job.name!, displayName: job.displayName ?? displayName, state: job.state };
    },
    async listAll(signal, retryPage = (request) => request()) {
      const client = await clientOf();
      const toJob = (job: { name?: string; displayName?: string; state?: string }): RemoteJob => ({
        name: job.name!,
        displayName: job.displayName,
        state: job.state,
      });
      const pager = await retryPage(() =>
        client.batches.list({ config: { pageSize: 100, ...(signal ? { abortSignal: signal } : {}) } }),
      );
      const jobs = pager.page.map(toJob);
      // A failed nextPage() leaves the pager where it was, so asking again continues from the same page.
      while (pager.hasNextPage()) jobs.push(...(await retryPage(() => pager.nextPage())).map(toJob));
      return jobs;
    },
    async get(name, signal) {
      await clientOf();
      const raw = await restGet(name, signal);
      const metadata = (raw.metadata ?? {}) as Record<string, unknown>;
      const output = (metadata.output ?? {}) as { responsesFile?: string; inlinedResponses?: unknown };
      return {
        raw,
        name: typeof raw.name === "string" ? raw.name : name,
        displayName: metadata.displayName as string | undefined,
        state: (metadata.state as string | undefined)?.replace(/^BATCH_STATE_/, "JOB_STATE_"),
        responsesFile: output.responsesFile ?? null,
        inlined: output.inlinedResponses !== undefined,
        batchStats: stats(metadata.batchStats),
        ...(typeof metadata.endTime === "string" ? { endTime: metadata.endTime } : {}),
      };
    },
    async cancel(name, signal) {
      await (await clientOf()).batches.cancel({ name, config: signal ? { abortSignal: signal } : {} });
    },
    async download(fileName, downloadPath, signal) {
      await (
        await clientOf()
      ).files.download({ file: fileName, downloadPath, config: signal ? { abortSignal: signal } : {} });
    },
  };
}
