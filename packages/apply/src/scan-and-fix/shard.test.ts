import { describe, expect, it } from "vitest";
import { inShard, parseShard, shardOf } from "./shard.js";

describe("shards", () => {
  it("parses i/n and refuses anything else with the expected shape in the message", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, count: 1 });
    for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2"]) {
      expect(() => parseShard(bad)).toThrow(/^shard: expected i\/n with 1 ≤ i ≤ n, got/);
    }
  });

  it("puts every file in exactly one of n shards, the same way on every run, and spreads them", () => {
    const files = Array.from({ length: 400 }, (_, i) => `src/pkg${i % 7}/module_${i}.py`);
    for (const count of [1, 2, 3, 8]) {
      const seen = new Map<string, number>();
      for (let index = 1; index <= count; index++) {
        for (const file of files.filter((f) => inShard(f, { index, count }))) seen.set(file, (seen.get(file) ?? 0) + 1);
      }
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
      expect(seen.size).toBe(files.length);
    }
    const sizes = [1, 2, 3, 4].map((index) => files.filter((f) => inShard(f, { index, count: 4 })).length);
    for (const size of sizes) expect(size).toBeGreaterThan(60);
    // Pinned: a shard must not move between machines or versions.
    expect(shardOf("orders/service.py", 2)).toBe(shardOf("orders/service.py", 2));
    expect(["orders/notifications.py", "orders/payments.py", "orders/service.py"].map((f) => shardOf(f, 2)))
      .toMatchInlineSnapshot(`
      [
        2,
        1,
        1,
      ]
    `);
  });
});
