import { describe, expect, it } from "vitest";
import { createLineIndex, findMatches } from "./match.js";
import { compileRule } from "./rules/compile.js";
import { RuleSpecSchema, type RuleSpecInput } from "./rules/schema.js";
import { scanText } from "./scan-file.js";

function rule(spec: Partial<RuleSpecInput> & { pattern: string }) {
  return compileRule(RuleSpecSchema.parse({ id: "r", message: "m", ...spec }));
}

const texts = (spec: Partial<RuleSpecInput> & { pattern: string }, text: string) =>
  findMatches(rule(spec), text).map((s) => text.slice(s.start, s.end));

describe("line mode (grep/rg semantics)", () => {
  it("applies the pattern to each line without its terminator", () => {
    expect(texts({ pattern: "^b.*$" }, "a\nbx\r\nby\n")).toEqual(["bx\r", "by"]);
    expect(texts({ pattern: "foo$" }, "foo\r\nfoo\n")).toEqual(["foo"]);
    expect(texts({ pattern: "a\\s+b" }, "a\nb a  b")).toEqual(["a  b"]);
  });

  it("finds every match on a line, and skips empty matches", () => {
    expect(texts({ pattern: "o+" }, "foo boo\nxo")).toEqual(["oo", "oo", "o"]);
    expect(texts({ pattern: "x|\\b" }, "ax x")).toEqual(["x", "x"]);
  });

  it("gives the same matches with and without the literal prefilter", () => {
    const text = "print(1)\n  print(2)\nreprint(3)\nPRINT(4)\n";
    const withLiterals = rule({ pattern: "^[ \\t]*print\\(" });
    const without = { ...withLiterals, literals: null, requirements: [] };
    expect(findMatches(withLiterals, text)).toEqual(findMatches(without, text));
    expect(texts({ pattern: "print", ignore_case: true }, text)).toEqual(["print", "print", "print", "PRINT"]);
  });

  it("keeps lookarounds inside one line", () => {
    expect(texts({ pattern: "a(?!\\s*b)" }, "a\nb\na b\nac")).toEqual(["a", "a"]);
  });
});

describe("multiline rules", () => {
  it("match across lines and report at the start or the end", () => {
    const text = "async def f():\n    x = 1\n    time.sleep(1)\n";
    const start = scanText(
      "a.py",
      text,
      [rule({ pattern: "async def[^\\n]*\\n(?:[^\\n]*\\n)*?[^\\n]*time\\.sleep\\(", multiline: true })],
      { contextLines: 1 },
    );
    expect(start.findings[0]).toMatchObject({ line: 1, column: 1, end_line: 3, end_column: 16 });
    const end = scanText(
      "a.py",
      text,
      [rule({ pattern: "async def[^\\n]*\\n(?:[^\\n]*\\n)*?[^\\n]*time\\.sleep\\(", multiline: true, anchor: "end" })],
      { contextLines: 1 },
    );
    expect(end.findings[0]).toMatchObject({
      line: 3,
      column: 5,
      end_line: 3,
      match: "time.sleep(",
      context: { before: ["    x = 1"], line: "    time.sleep(1)", after: [] },
    });
  });
});

describe("positions", () => {
  it("counts 1-based lines and UTF-16 columns, skipping swallowed indentation", () => {
    const text = "é😀 TODO\n\tprint(x)\n";
    const found = scanText(
      "a.py",
      text,
      [rule({ id: "t", pattern: "TODO" }), rule({ id: "p", pattern: "^[ \\t]*print\\(" })],
      { contextLines: 0 },
    ).findings;
    expect(found.map((f) => [f.rule, f.line, f.column, f.end_column, f.match])).toEqual([
      ["t", 1, 5, 9, "TODO"],
      ["p", 2, 2, 8, "print("],
    ]);
    const index = createLineIndex("a\r\nb");
    expect([index.lineOf(0), index.lineOf(3), index.lineText(1), index.lineCount]).toEqual([1, 2, "a\r", 2]);
  });
});

describe("not_nearby", () => {
  it("drops a match when the pattern appears within the window", () => {
    const text = [
      "@abstractmethod",
      "def a(self):",
      "    raise NotImplementedError",
      "",
      "",
      "",
      "def b(self):",
      "    raise NotImplementedError",
    ].join("\n");
    const scan = scanText(
      "a.py",
      text,
      [rule({ pattern: "raise NotImplementedError", not_nearby: { pattern: "@abstractmethod", lines: 2 } })],
      { contextLines: 0 },
    );
    expect(scan.findings.map((f) => f.line)).toEqual([8]);
    expect(scan.filtered).toBe(1);
  });
});
