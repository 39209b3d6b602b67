import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

/** Hash of a file's text as @gembatch/send records it (`sha256_sent`): the UTF-8 decoding, re-encoded. */
export function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The send-compatible hash of a file on disk, or null when it cannot be read. */
export async function sha256OfFile(file: string): Promise<string | null> {
  try {
    return sha256Text(await readFile(file, "utf8"));
  } catch {
    return null;
  }
}
