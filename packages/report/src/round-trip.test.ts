import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NO_FINAL_NEWLINE } from "./format.js";
import { parseReport, readReport } from "./parse-report.js";
import { buildReport, writeReport } from "./write-report.js";
import { tempTree } from "@gembatch/test-utils";

const nasty: Record<string, string | Buffer> = {
  "src/crlf.py": "import os\r\n\r\ndef main():\r\n    return os.getcwd()\r\n",
  "src/no_newline.py": "x = 1\ny = 2",
  "src/crlf_no_newline.ts": "export const a = 1;\r\nexport const b = 2;",
  "src/empty.py": "",
  "src/only_newline.txt": "\n",
  "src/ends_with_cr.txt": "line\r",
  "docs/fences.md": "# Guide\n\n```python\nprint('hi')\n```\n\n````\nnested ``` inside\n````\n``````\n",
  "docs/markers.md": [
    "<!-- CODE_CONTEXT_START: src/crlf.py -->",
    "```python",
    "fake = True",
    "```",
    "<!-- CODE_CONTEXT_END: src/crlf.py -->",
    NO_FINAL_NEWLINE,
    "## All Context Files (For Reference)",
    "## Issue Details",
    "",
  ].join("\n"),
  "src/unicode.py": "\uFEFFname = 'Zoë 😀'\n# 中文注释\n",
  "src/trailing_blank_lines.py": "a = 1\n\n\n",
  "src/tabs and spaces.py": "\tx = 1   \n",
};

describe("report round trip", () => {
  it("parses back the issue, files to fix, details and every context file byte for byte", async () => {
    const root = tempTree(nasty);
    const files = Object.keys(nasty);
    const details =
      "Replace `logger.bind()`.\n\n## Context inside details\n- **Project**: not the real one\n\n```\ncode in details\n```";
    const built = buildReport({
      root,
      cwd: root,
      issue: "round_trip",
      filesToFix: files.slice(0, 2),
      contextFiles: files.slice(2),
      details: `\n\n${details}\n\n`,
      project: "demo",
      task: "Check every edge",
      tokenLimit: { limit: 1_000_000, source: "test" },
    });
    const reportFile = path.join(root, "tmp/issues/fix_round_trip.md");
    await writeReport(reportFile, built.text);
    const parsed = readReport(reportFile);
    expect(parsed).toMatchObject({
      issue: "round_trip",
      project: "demo",
      task: "Check every edge",
      status: "BLOCKED - Issues need fixing",
      details,
    });
    expect(parsed.filesToFix).toEqual(files.slice(0, 2));
    expect(parsed.contextFiles.map((f) => f.path)).toEqual(files);
    for (const file of parsed.contextFiles) {
      const original = readFileSync(path.join(root, file.path));
      expect(Buffer.from(file.content, "utf8").equals(original), file.path).toBe(true);
    }
    expect(parsed.contextFiles.find((f) => f.path === "src/crlf.py")?.language).toBe("python");
    expect(parsed.contextFiles.find((f) => f.path === "docs/fences.md")?.language).toBe("markdown");
  });

  it("writes the seed's layout", () => {
    const root = tempTree({ "src/a.py": "print('a')\n", "src/b.py": "b = 2" });
    const { text } = buildReport({
      root,
      cwd: root,
      issue: "logger_bind",
      filesToFix: ["src/a.py"],
      contextFiles: ["src/b.py"],
      details: "Fix it.",
      project: "svc",
      task: "Fix specific issues",
      tokenLimit: { limit: 1000, source: "test" },
    });
    expect(text).toBe(
      [
        "# Issue Report: logger_bind",
        "",
        "## Context",
        "- **Project**: svc",
        "- **Task**: Fix specific issues",
        "- **Status**: BLOCKED - Issues need fixing",
        "",
        "## Files to Fix",
        "1. src/a.py",
        "",
        "## Issue Details",
        "Fix it.",
        "",
        "## All Context Files (For Reference)",
        "",
        "<!-- CODE_CONTEXT_START: src/a.py -->",
        "```python",
        "print('a')",
        "```",
        "<!-- CODE_CONTEXT_END: src/a.py -->",
        "",
        "<!-- CODE_CONTEXT_START: src/b.py -->",
        "```python",
        "b = 2",
        "```",
        NO_FINAL_NEWLINE,
        "<!-- CODE_CONTEXT_END: src/b.py -->",
        "",
      ].join("\n"),
    );
  });

  it("refuses non-UTF-8 and binary files with the field and the offending byte", () => {
    const root = tempTree({
      "src/latin1.py": Buffer.from("caf\xe9 = 1\n", "latin1"),
      "src/bin.dat": Buffer.from([0x61, 0x00, 0x62]),
      "src/ok.py": "",
    });
    const base = {
      root,
      cwd: root,
      issue: "x",
      details: "",
      project: "p",
      task: "t",
      tokenLimit: { limit: 1000, source: "t" },
    };
    expect(() =>
      buildReport({ ...base, filesToFix: ["src/ok.py"], contextFiles: ["src/ok.py", "src/latin1.py"] }),
    ).toThrow("context_files[1]: not UTF-8 text: src/latin1.py (byte 0xE9 at offset 3)");
    expect(() => buildReport({ ...base, filesToFix: ["src/bin.dat"] })).toThrow(
      "files_to_fix[0]: binary file (contains NUL bytes): src/bin.dat",
    );
  });

  it("refuses details that would end the details section, and reports that are not in the format", () => {
    const root = tempTree({ "a.py": "" });
    const base = {
      root,
      cwd: root,
      issue: "x",
      filesToFix: ["a.py"],
      project: "p",
      task: "t",
      tokenLimit: { limit: 1000, source: "t" },
    };
    expect(() => buildReport({ ...base, details: "x\n## All Context Files (For Reference)\ny" })).toThrow(
      /details: must not contain the line/,
    );
    expect(() => parseReport("# Something else\n")).toThrow(/first line must start with "# Issue Report: "/);
    const { text } = buildReport({ ...base, details: "" });
    expect(() => parseReport(text.replace("```\n<!-- CODE_CONTEXT_END", "<!-- CODE_CONTEXT_END"))).toThrow(
      /code fence is never closed|expected "<!-- CODE_CONTEXT_END/,
    );
  });
});
