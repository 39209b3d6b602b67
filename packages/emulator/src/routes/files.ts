import { fileResource, fileIdFrom, MAX_FILE_BYTES, missingFile } from "../files-store.js";
import { failedPrecondition, invalidArgument, notFound } from "../google-errors.js";
import { headerValue, sendBytes } from "../http-util.js";
import { paginate } from "../pager.js";
import { recordFile } from "../state.js";
import type { RouteContext } from "./context.js";

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Step 1 of the resumable protocol: answers with the upload URL in `x-goog-upload-url`. */
export async function uploadStart(ctx: RouteContext): Promise<void> {
  const { req, state } = ctx;
  const protocol = headerValue(req, "x-goog-upload-protocol");
  const command = headerValue(req, "x-goog-upload-command");
  if (protocol !== "resumable" || command !== "start") {
    throw invalidArgument(
      "Upload requests must use the resumable protocol (x-goog-upload-protocol: resumable, command start).",
    );
  }
  const body = await ctx.json();
  const file = asObject(body.file) ?? {};
  const declared = headerValue(req, "x-goog-upload-header-content-length") ?? (file.sizeBytes as string | undefined);
  const sizeBytes = Number(declared);
  if (declared === undefined || !Number.isInteger(sizeBytes) || sizeBytes < 0) {
    throw invalidArgument("Missing or invalid x-goog-upload-header-content-length.");
  }
  const mimeType =
    (typeof file.mimeType === "string" ? file.mimeType : undefined) ??
    headerValue(req, "x-goog-upload-header-content-type") ??
    "application/octet-stream";
  const uploadId = state.files.startUpload({
    ...(typeof file.name === "string" ? { name: file.name } : {}),
    ...(typeof file.displayName === "string" ? { displayName: file.displayName } : {}),
    mimeType,
    sizeBytes,
  });
  state.recorder.uploadStarted();
  const url = `${state.baseUrl}/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`;
  ctx.send(
    200,
    {},
    { "x-goog-upload-url": url, "x-goog-upload-status": "active", "x-goog-upload-chunk-granularity": "8388608" },
  );
}

/** Step 2: raw bytes at an offset (`upload`), the last chunk with `upload, finalize`. */
export async function uploadChunk(ctx: RouteContext): Promise<void> {
  const { req, state } = ctx;
  const uploadId = ctx.query.get("upload_id") ?? "";
  const commands = (headerValue(req, "x-goog-upload-command") ?? "").split(",").map((c) => c.trim());
  const offset = Number(headerValue(req, "x-goog-upload-offset") ?? "0");
  const data = await ctx.body(MAX_FILE_BYTES);
  if (!commands.includes("upload") && !commands.includes("finalize")) {
    throw invalidArgument(`Unsupported x-goog-upload-command: ${commands.join(", ")}`);
  }
  const result = state.files.appendChunk(uploadId, { offset, data, finalize: commands.includes("finalize") });
  state.recorder.uploadChunk(data.length);
  const headers = { "x-goog-upload-status": result.status, "x-goog-upload-size-received": String(result.received) };
  if (result.status === "active" || !result.file) {
    sendBytes(ctx.res, { status: 200, body: Buffer.alloc(0), headers, control: ctx.control });
    return;
  }
  state.recorder.uploadCompleted();
  recordFile(state, result.file);
  ctx.send(200, { file: fileResource(result.file, state.baseUrl) }, headers);
}

export function getFile(ctx: RouteContext): void {
  const file = ctx.state.files.get(fileIdFrom(ctx.resource ?? ""), "GetFileRequest");
  ctx.send(200, fileResource(file, ctx.state.baseUrl));
}

export function listFiles(ctx: RouteContext): void {
  const page = paginate(ctx.state.files.list(), ctx.query, { defaultSize: 10, maxSize: 100 });
  const files = page.items.map((f) => fileResource(f, ctx.state.baseUrl));
  ctx.send(200, {
    ...(files.length > 0 ? { files } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
  });
}

export function deleteFile(ctx: RouteContext): void {
  const { state } = ctx;
  const file = state.files.get(fileIdFrom(ctx.resource ?? ""), "DeleteFileRequest");
  state.files.remove(file.id);
  state.recorder.fileDeleted(`files/${file.id}`);
  ctx.send(200, {});
}

export function downloadFile(ctx: RouteContext): void {
  const { state } = ctx;
  if (ctx.query.get("alt") !== "media") throw notFound("Download requires alt=media.");
  const id = fileIdFrom(ctx.resource ?? "");
  const file = state.files.find(id);
  if (!file) throw missingFile(id);
  if (file.source !== "GENERATED" && !state.settings.files.allowUploadedDownload) {
    throw failedPrecondition(`File files/${id} was uploaded; only generated files can be downloaded.`);
  }
  sendBytes(ctx.res, {
    status: 200,
    body: file.data,
    headers: { "content-type": file.mimeType },
    control: ctx.control,
  });
}
