/**
 * A fast "does this buffer contain this literal" for the scan's prefilter. Buffer#indexOf finds a
 * short needle by scanning for its first byte, which in code is usually a common letter; searching
 * for the part of the literal that starts at its rarest byte, and checking the bytes before it,
 * visits far fewer candidates (about 2.5 times faster on real trees).
 */

/** Printable ASCII from most to least frequent in a large sample of JavaScript, TypeScript and Python. */
const BY_FREQUENCY = ` etasrniol,Acdpf0._mu":()hgyb=1C-xE2'vI3ST*w4k/56N[]98MOR;7B>PD{}\`FL#\\GqzUjW+KQVH|Y<@XZ$?J!%&^~`;

/** Higher is rarer. Line breaks and tabs are common; other control bytes and non-ASCII are rare. */
const RARITY = new Uint8Array(256).fill(200);
RARITY[0x0a] = 0;
RARITY[0x09] = 5;
for (let i = 0; i < BY_FREQUENCY.length; i++) RARITY[BY_FREQUENCY.charCodeAt(i)] = i + 1;

const MIN_TAIL = 3;
const MIN_GAIN = 10;

export interface BytePattern {
  bytes: Buffer;
  /** Offset of the rarest byte: the search looks for `bytes.subarray(rare)` and checks what precedes. */
  rare: number;
  tail: Buffer;
}

export function bytePattern(literal: string): BytePattern {
  const bytes = Buffer.from(literal, "utf8");
  // The tail keeps a few bytes so that Buffer#indexOf, not a JavaScript loop, rejects most candidates;
  // a start only slightly rarer than the first byte would not pay for the extra check.
  let rare = 0;
  const last = bytes.length - Math.min(MIN_TAIL, bytes.length);
  for (let i = 1; i <= last; i++) if (RARITY[bytes[i]!]! > RARITY[bytes[rare]!]!) rare = i;
  if (RARITY[bytes[rare]!]! < RARITY[bytes[0]!]! + MIN_GAIN) rare = 0;
  return { bytes, rare, tail: bytes.subarray(rare) };
}

export function containsBytes(haystack: Buffer, pattern: BytePattern): boolean {
  const { bytes, rare, tail } = pattern;
  for (let at = haystack.indexOf(tail, rare); at !== -1; at = haystack.indexOf(tail, at + 1)) {
    if (rare === 0 || haystack.compare(bytes, 0, rare, at - rare, at) === 0) return true;
  }
  return false;
}
