import { createHash } from "node:crypto";

/** Hash of a file's text as @gembatch/send records it (`sha256_sent`): the UTF-8 decoding, re-encoded. */
export function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
