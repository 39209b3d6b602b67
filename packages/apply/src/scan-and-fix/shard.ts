import { createHash } from "node:crypto";
import { CliError } from "@gembatch/core";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `i/n` with 1 ≤ i ≤ n, as a CI matrix gives it. */
export function parseShard(value: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new CliError("BAD_INPUT", `shard: expected i/n with 1 ≤ i ≤ n, got "${value}"`, {
      hint: "e.g. --shard 2/4 in the second of four CI matrix jobs",
    });
  }
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * The shard a file belongs to, from a hash of its project-relative path: the same on every machine and
 * every run, and independent of which other files exist, so n jobs cover every file exactly once.
 */
export function shardOf(file: string, count: number): number {
  const hash = createHash("sha256").update(file, "utf8").digest();
  return (hash.readUInt32BE(0) % count) + 1;
}

export function inShard(file: string, shard: Shard | null): boolean {
  return shard === null || shardOf(file, shard.count) === shard.index;
}
