import { describe, expect, it } from "vitest";
import { countLines, extractFromText, hasCompleteMarkers, sha256, stoppedEarly } from "./extract-text.js";
import { reply } from "../test/helpers/project.js";

const codes = (text: string, options = {}) => extractFromText(text, options).refused.map((r) => `${r.path}:${r.code}`);

describe("extractFromText", () => {
  it("returns each complete file with its line count and hash", () => {
    const result = extractFromText(
      `Fixed:\n${reply("src/a.py", "x = 1\ny = 2", { lang: "python" })}${reply("src/b.py", "z = 3")}`,
    );
    expect(result.refused).toEqual([]);
    expect(result.blocks).toEqual([
      {
        path: "src/a.py",
        content: "x = 1\ny = 2\n",
        lines: 2,
        sha256: sha256("x = 1\ny = 2\n"),
        language: "python",
        line: 2,
      },
      { path: "src/b.py", content: "z = 3\n", lines: 1, sha256: sha256("z = 3\n"), line: 8 },
    ]);
  });

  it("refuses every block of a reply that stopped early, whatever its markers", () => {
    const text = reply("src/a.py", "x = 1");
    expect(codes(text, { finishReason: "MAX_TOKENS" })).toEqual(["src/a.py:truncated"]);
    expect(codes(text, { finishReason: "SAFETY" })).toEqual(["src/a.py:truncated"]);
    expect(codes(text, { finishReason: "STOP", truncated: true })).toEqual(["src/a.py:truncated"]);
    expect(codes("", { finishReason: "MAX_TOKENS", focusFile: "src/a.py" })).toEqual(["src/a.py:truncated"]);
    expect(codes(text, { finishReason: "stop" })).toEqual([]);
    expect(codes(text, { finishReason: null })).toEqual([]);
  });

  it("gives a path-less block the focus file, and refuses it without one", () => {
    const text = "<!-- CODE_FILE_START -->\n```\nx = 1\n```\n<!-- CODE_FILE_END -->\n";
    expect(extractFromText(text, { focusFile: "./src/a.py" }).blocks[0]!.path).toBe("src/a.py");
    expect(codes(text)).toEqual(["null:no_path"]);
  });

  it("refuses paths not asked for and reports asked-for paths the reply lacks", () => {
    const text = reply("src/b.py", "y = 1");
    expect(codes(text, { requested: ["src/a.py"] })).toEqual(["src/b.py:not_requested", "src/a.py:missing_file"]);
    expect(codes(text, { requested: ["src/a.py"], reportMissing: false })).toEqual(["src/b.py:not_requested"]);
  });

  it("refuses two different blocks for one path, and keeps one of two identical ones", () => {
    expect(codes(reply("a.py", "x = 1") + reply("a.py", "x = 2"))).toEqual(["a.py:conflicting_blocks"]);
    const same = extractFromText(reply("a.py", "x = 1") + reply("./a.py", "x = 1"));
    expect(same.blocks).toHaveLength(1);
    expect(same.warnings).toEqual(["a.py: 2 identical blocks (lines 1, 6); extracted once"]);
  });

  it("refuses a path whose other block was refused, since the intended one is unclear", () => {
    const text = reply("a.py", "x = 1\n# ... rest of the file ...") + reply("a.py", "x = 1\ny = 2");
    expect(codes(text)).toEqual(["a.py:elided", "a.py:conflicting_blocks"]);
  });

  it("points an elision refusal at the reply line", () => {
    const text =
      "intro\n<!-- CODE_FILE_START: a.py -->\n**a.py**\n```python\nx = 1\n# ... existing code ...\n```\n<!-- CODE_FILE_END -->\n";
    expect(extractFromText(text).refused[0]).toMatchObject({ code: "elided", line: 6 });
  });

  it("says when there are no markers, with a hint", () => {
    const [refusal] = extractFromText("Sure! ```python\nx = 1\n```", { focusFile: "a.py" }).refused;
    expect(refusal).toMatchObject({ path: "a.py", code: "no_markers", reason: "Code markers not found in response" });
    expect(refusal!.hint).toContain("CODE_FILE_START");
  });

  it("warns about a shorter fence than asked for and about stray END markers", () => {
    const result = extractFromText(`${reply("a.py", "x = 1")}<!-- CODE_FILE_END: b.py -->\n`, {
      expectedFence: "````",
    });
    expect(result.blocks).toHaveLength(1);
    expect(result.warnings).toEqual([
      "CODE_FILE_END marker with no START marker at line 6",
      "line 1: the model used a 3-character fence where 4 were asked for",
    ]);
  });

  it("refuses empty blocks and reserved names", () => {
    expect(codes("<!-- CODE_FILE_START: a.py -->\n```\n\n  \n```\n<!-- CODE_FILE_END -->")).toEqual(["a.py:empty"]);
    expect(codes(reply("EXTRACTION_CONTEXT.md", "x"), { reservedPaths: ["EXTRACTION_CONTEXT.md"] })).toEqual([
      "EXTRACTION_CONTEXT.md:unsafe_path",
    ]);
  });
});

describe("helpers", () => {
  it("hasCompleteMarkers: a closed block for the path (or a path-less one)", () => {
    expect(hasCompleteMarkers(reply("src/a.py", "x"), "./src/a.py")).toBe(true);
    expect(hasCompleteMarkers(reply("src/a.py", "x"), "src/b.py")).toBe(false);
    expect(hasCompleteMarkers(reply("src/a.py", "x"))).toBe(true);
    expect(hasCompleteMarkers("<!-- CODE_FILE_START -->\n```\nx\n```\n<!-- CODE_FILE_END -->", "src/b.py")).toBe(true);
    expect(hasCompleteMarkers("<!-- CODE_FILE_START: src/a.py -->\n```\nx\n", "src/a.py")).toBe(false);
    expect(hasCompleteMarkers("no markers")).toBe(false);
  });

  it("countLines and stoppedEarly", () => {
    expect([countLines(""), countLines("a"), countLines("a\n"), countLines("a\nb")]).toEqual([0, 1, 1, 2]);
    expect([
      stoppedEarly("STOP"),
      stoppedEarly(undefined),
      stoppedEarly("MAX_TOKENS"),
      stoppedEarly("STOP", true),
    ]).toEqual([undefined, undefined, "MAX_TOKENS", "truncated"]);
  });
});
