import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const POOL_SIZE = 4096;

let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** A lowercase alphanumeric id, the alphabet Google uses for file, batch and cache ids. */
export function randomId(length: number): string {
  // Drawing from a pooled buffer: one randomBytes call per response was a visible cost under load.
  if (offset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  let out = "";
  for (let i = 0; i < length; i += 1) out += ALPHABET[(pool[offset + i] as number) % ALPHABET.length];
  offset += length;
  return out;
}
