import { invalidArgument } from "./google-errors.js";

interface Page<T> {
  items: T[];
  /** Absent on the last page: an empty string would make the SDK's pager loop forever. */
  nextPageToken?: string;
}

function decodeToken(token: string): number {
  const offset = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument("Invalid page token.");
  return offset;
}

export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  limits: { defaultSize: number; maxSize: number },
): Page<T> {
  const requested = Number(query.get("pageSize") ?? query.get("page_size") ?? 0);
  const size = requested > 0 ? Math.min(Math.floor(requested), limits.maxSize) : limits.defaultSize;
  const token = query.get("pageToken") ?? query.get("page_token") ?? "";
  const offset = token === "" ? 0 : decodeToken(token);
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  if (next >= items.length) return { items: page };
  return { items: page, nextPageToken: Buffer.from(String(next)).toString("base64url") };
}
