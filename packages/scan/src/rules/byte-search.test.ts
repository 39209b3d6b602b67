import { describe, expect, it } from "vitest";
import { bytePattern, containsBytes } from "./byte-search.js";

describe("containsBytes", () => {
  it("starts the search at the literal's rarest byte", () => {
    expect(bytePattern("eval(").tail.toString()).toBe("val(");
    expect(bytePattern("TODO").rare).toBeGreaterThan(0);
  });

  it("agrees with Buffer#indexOf on hits, misses, partial hits and edges", () => {
    const texts = [
      "",
      "eval",
      "xeval(",
      "eval(",
      "val( then eval(",
      "evaeval(",
      "ev",
      "val(",
      "€ eval( €",
      "TODOTODO",
      "TOD",
    ];
    const literals = ["eval(", "TODO", "€", "e", "val(", "( "];
    for (const text of texts) {
      for (const literal of literals) {
        const haystack = Buffer.from(text);
        expect(containsBytes(haystack, bytePattern(literal)), `${literal} in ${text}`).toBe(
          haystack.indexOf(Buffer.from(literal)) !== -1,
        );
      }
    }
  });

  it("does not look before the start of the buffer for the bytes that precede the rare one", () => {
    expect(containsBytes(Buffer.from("val( here"), bytePattern("eval("))).toBe(false);
  });
});
