import { invalidArgument, unknownField } from "./google-errors.js";

export interface BatchRow {
  /** The `key` of a JSONL line, or `metadata.key` of an inlined request. */
  key: string | undefined;
  /** Inlined requests' metadata, echoed in inlined responses. */
  metadata: Record<string, unknown> | undefined;
  request: unknown;
}

interface ParsedBatchInput {
  rows: BatchRow[];
  /** Set when a JSONL line cannot be read: the job is accepted and then FAILS, as Google fails it. */
  failure: string | undefined;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

const BATCH_FIELDS = new Set([
  ...["displayName", "inputConfig", "priority", "model", "name", "webhookConfig"],
  ...["display_name", "input_config", "webhook_config"],
]);

interface BatchCreateBody {
  displayName: string | undefined;
  inline: unknown[] | undefined;
  fileName: string | undefined;
  /** As sent; kept for the record (the emulator delivers no notifications). */
  webhookConfig: Record<string, unknown> | undefined;
}

/** Validates `{batch: {displayName?, inputConfig: {requests: {requests: […]}} | {fileName}}}`. */
export function readBatchCreateBody(body: Json): BatchCreateBody {
  for (const key of Object.keys(body)) if (key !== "batch") throw unknownField(key);
  const batch = asObject(body.batch);
  if (!batch) throw invalidArgument("* BatchGenerateContentRequest.batch: batch is required\n");
  for (const key of Object.keys(batch)) if (!BATCH_FIELDS.has(key)) throw unknownField(key, "batch");
  const input = asObject(batch.inputConfig ?? batch.input_config);
  const displayName = batch.displayName ?? batch.display_name;
  const fileName = input?.fileName ?? input?.file_name;
  const requests = asObject(input?.requests)?.requests;
  const webhookConfig = asObject(batch.webhookConfig ?? batch.webhook_config);
  if (typeof fileName === "string" && fileName !== "") {
    return {
      displayName: typeof displayName === "string" ? displayName : undefined,
      inline: undefined,
      fileName,
      webhookConfig,
    };
  }
  if (Array.isArray(requests)) {
    if (requests.length === 0) {
      throw invalidArgument(
        "* BatchGenerateContentRequest.batch.input_config.requests.requests: requests must not be empty\n",
      );
    }
    return {
      displayName: typeof displayName === "string" ? displayName : undefined,
      inline: requests,
      fileName: undefined,
      webhookConfig,
    };
  }
  throw invalidArgument(
    "* BatchGenerateContentRequest.batch.input_config: input_config must set either requests or file_name\n",
  );
}

export function inlineRows(requests: unknown[]): BatchRow[] {
  return requests.map((entry, i) => {
    const item = asObject(entry);
    const request = item?.request;
    if (!asObject(request)) {
      throw invalidArgument(
        `* BatchGenerateContentRequest.batch.input_config.requests.requests[${i}].request: request is required\n`,
      );
    }
    const metadata = asObject(item?.metadata);
    const key = metadata?.key;
    return { key: typeof key === "string" ? key : undefined, metadata, request };
  });
}

/** Reads a JSONL input file: one `{"key", "request"}` object a line; blank lines are skipped. */
export function fileRows(data: Buffer): ParsedBatchInput {
  const rows: BatchRow[] = [];
  const lines = data.toString("utf8").split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { rows, failure: `Invalid JSON on line ${i + 1} of the input file.` };
    }
    const item = asObject(value);
    if (!item || !asObject(item.request)) {
      return { rows, failure: `Line ${i + 1} of the input file has no "request" object.` };
    }
    const key = item.key;
    const rowKey = typeof key === "string" ? key : key === undefined ? undefined : JSON.stringify(key);
    rows.push({ key: rowKey, metadata: undefined, request: item.request });
  }
  if (rows.length === 0) return { rows, failure: "The input file contains no requests." };
  return { rows, failure: undefined };
}
