import { createHash } from "node:crypto";

import { toTimestamp, type EmulatorClock } from "./clock.js";
import { alreadyExists, invalidArgument, notFound, permissionDenied } from "./google-errors.js";
import { randomId } from "./ids.js";

export const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_FILE_ID_LENGTH = 40;

export interface StoredFile {
  id: string;
  displayName: string | undefined;
  mimeType: string;
  sizeBytes: number;
  createTime: number;
  expirationTime: number;
  sha256: string;
  source: "UPLOADED" | "GENERATED";
  data: Buffer;
}

interface UploadSession {
  id: string;
  fileId: string;
  displayName: string | undefined;
  mimeType: string;
  declaredSize: number;
  chunks: Buffer[];
  received: number;
}

interface ChunkResult {
  status: "active" | "final";
  received: number;
  file?: StoredFile;
}

export interface FileStore {
  startUpload(options: { name?: string; displayName?: string; mimeType: string; sizeBytes: number }): string;
  appendChunk(uploadId: string, options: { offset: number; data: Buffer; finalize: boolean }): ChunkResult;
  /** For the get and delete routes: enforces the 40-character id limit and hides expired files. */
  get(id: string, method: "GetFileRequest" | "DeleteFileRequest"): StoredFile;
  /** For downloads and references from requests: no id-length check. */
  find(id: string): StoredFile | undefined;
  list(): StoredFile[];
  remove(id: string): void;
  addGenerated(options: { id: string; mimeType: string; data: Buffer; displayName?: string }): StoredFile;
  all(): StoredFile[];
  reset(): void;
}

/** `files/abc`, `abc` or a full `https://…/files/abc` URI → `abc`. */
export function fileIdFrom(reference: string): string {
  const match = /(?:^|\/)files\/([^/:?]+)/.exec(reference);
  return match ? (match[1] as string) : reference;
}

export function missingFile(id: string) {
  return permissionDenied(`You do not have permission to access the File ${id} or it may not exist.`);
}

function checkName(id: string): void {
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(id) || id.length > MAX_FILE_ID_LENGTH) {
    throw invalidArgument(
      `* CreateFileRequest.file.name: Invalid file name "files/${id}": the id must be 1-40 lowercase letters, ` +
        "digits or dashes, not starting or ending with a dash.\n",
    );
  }
}

export function createFileStore(options: { clock: EmulatorClock; ttlMs: number }): FileStore {
  const { clock } = options;
  let files = new Map<string, StoredFile>();
  let uploads = new Map<string, UploadSession>();

  const live = (id: string): StoredFile | undefined => {
    const file = files.get(id);
    if (file && clock.now() >= file.expirationTime) {
      files.delete(id);
      return undefined;
    }
    return file;
  };

  const store = (file: Omit<StoredFile, "createTime" | "expirationTime" | "sha256">): StoredFile => {
    const now = clock.now();
    const stored: StoredFile = {
      ...file,
      createTime: now,
      expirationTime: now + options.ttlMs,
      sha256: Buffer.from(createHash("sha256").update(file.data).digest("hex")).toString("base64"),
    };
    files.set(stored.id, stored);
    return stored;
  };

  return {
    startUpload({ name, displayName, mimeType, sizeBytes }) {
      if (sizeBytes > MAX_FILE_BYTES) {
        throw invalidArgument(
          `File size ${sizeBytes} bytes exceeds the maximum allowed size of ${MAX_FILE_BYTES} bytes.`,
        );
      }
      const fileId = name === undefined ? randomId(12) : fileIdFrom(name);
      checkName(fileId);
      if (live(fileId) || [...uploads.values()].some((u) => u.fileId === fileId)) {
        throw alreadyExists(`File files/${fileId} already exists.`);
      }
      const id = `${randomId(24)}${Date.now().toString(36)}`;
      uploads.set(id, { id, fileId, displayName, mimeType, declaredSize: sizeBytes, chunks: [], received: 0 });
      return id;
    },
    appendChunk(uploadId, { offset, data, finalize }) {
      const session = uploads.get(uploadId);
      if (!session) throw notFound("Upload session not found or already finalized.");
      if (offset !== session.received) {
        throw invalidArgument(`Invalid upload offset ${offset}: ${session.received} bytes have been received.`);
      }
      session.chunks.push(data);
      session.received += data.length;
      if (session.received > session.declaredSize) {
        uploads.delete(uploadId);
        throw invalidArgument(`Upload exceeds the declared size of ${session.declaredSize} bytes.`);
      }
      if (!finalize) return { status: "active", received: session.received };
      uploads.delete(uploadId);
      if (session.received !== session.declaredSize) {
        throw invalidArgument(
          `Upload finalized after ${session.received} bytes, but ${session.declaredSize} bytes were declared.`,
        );
      }
      const file = store({
        id: session.fileId,
        displayName: session.displayName,
        mimeType: session.mimeType,
        sizeBytes: session.received,
        source: "UPLOADED",
        data: Buffer.concat(session.chunks, session.received),
      });
      return { status: "final", received: session.received, file };
    },
    get(id, method) {
      if (id.length > MAX_FILE_ID_LENGTH) {
        throw invalidArgument(
          `* ${method}.name: File ID (name excluding 'files/') cannot be more than ${MAX_FILE_ID_LENGTH} characters.\n`,
        );
      }
      const file = live(id);
      if (!file) throw missingFile(id);
      return file;
    },
    find: live,
    list() {
      return [...files.keys()]
        .map((id) => live(id))
        .filter((f): f is StoredFile => f !== undefined)
        .sort((a, b) => b.createTime - a.createTime || (a.id < b.id ? -1 : 1));
    },
    remove(id) {
      files.delete(id);
    },
    addGenerated({ id, mimeType, data, displayName }) {
      return store({ id, displayName, mimeType, sizeBytes: data.length, source: "GENERATED", data });
    },
    all: () => [...files.values()],
    reset() {
      files = new Map();
      uploads = new Map();
    },
  };
}

export function fileResource(file: StoredFile, baseUrl: string): Record<string, unknown> {
  const uri = `${baseUrl}/v1beta/files/${file.id}`;
  return {
    name: `files/${file.id}`,
    ...(file.displayName !== undefined ? { displayName: file.displayName } : {}),
    mimeType: file.mimeType,
    sizeBytes: String(file.sizeBytes),
    createTime: toTimestamp(file.createTime),
    updateTime: toTimestamp(file.createTime),
    expirationTime: toTimestamp(file.expirationTime),
    sha256Hash: file.sha256,
    uri,
    downloadUri: `${uri}:download?alt=media`,
    state: "ACTIVE",
    source: file.source,
  };
}
