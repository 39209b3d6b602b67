import { describe, expect, it } from "vitest";
import { trimOutput } from "./trim.js";

describe("trimOutput", () => {
  it("keeps short output whole", () => {
    expect(trimOutput("a\nb\n")).toBe("a\nb");
  });

  it("puts the failing lines first and keeps the head and tail of long output within the byte budget", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${"x".repeat(40)}`);
    lines[2500] = "AssertionError: expected 2, got 3";
    const text = trimOutput(lines.join("\n"), { failing: ["AssertionError: expected 2, got 3"], maxBytes: 3000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3000);
    expect(text.startsWith("Failing lines:\n  AssertionError: expected 2, got 3")).toBe(true);
    expect(text).toContain("line 0 ");
    expect(text).toContain("line 4999 ");
    expect(text).toMatch(/\[… \d+ line\(s\) omitted …\]/);
  });

  it("cuts one enormous line rather than exceed the budget", () => {
    const text = trimOutput("y".repeat(100_000), { maxBytes: 1000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
  });
});
