import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { chooseFence, languageFor } from "./fence.js";
import { loadInputs, planFiles } from "./inputs.js";
import { assessReply } from "./reply.js";
import { stemOf } from "./run-dir.js";
import { makeProject } from "../test/helpers/project.js";
import type { FileMeta } from "./types.js";

describe("fences", () => {
  it("are one backtick longer than the longest run in the file, at least three", () => {
    expect(chooseFence("plain")).toBe("```");
    expect(chooseFence("a `b` ``c``")).toBe("```");
    expect(chooseFence("```js\nx\n```")).toBe("````");
    expect(chooseFence("``````")).toBe("```````");
  });

  it("carry a language tag from the extension when one is known", () => {
    expect(languageFor("src/a.py")).toBe("python");
    expect(languageFor("web/App.TSX")).toBe("tsx");
    expect(languageFor("Dockerfile")).toBe("dockerfile");
    expect(languageFor("notes.unknownext")).toBe("");
  });
});

describe("assessReply", () => {
  const whole = "<!-- CODE_FILE_START: a.py -->\n```python\nx\n```\n<!-- CODE_FILE_END: a.py -->";
  it("accepts only STOP with both markers, in order", () => {
    expect(assessReply({ text: whole, finishReason: "STOP", file: "a.py" })).toEqual({
      success: true,
      truncated: false,
      error: null,
    });
    expect(assessReply({ text: whole, finishReason: "STOP", file: "b.py" }).success).toBe(false);
    const reversed = "<!-- CODE_FILE_END: a.py -->\n<!-- CODE_FILE_START: a.py -->";
    expect(assessReply({ text: reversed, finishReason: "STOP", file: "a.py" }).success).toBe(false);
  });
  it("calls MAX_TOKENS truncation even when the END marker is there, and names other reasons", () => {
    expect(assessReply({ text: whole, finishReason: "MAX_TOKENS", file: "a.py" })).toMatchObject({
      success: false,
      truncated: true,
    });
    expect(assessReply({ text: "", finishReason: "RECITATION", file: "a.py" }).error).toBe(
      "the model did not finish the reply (RECITATION)",
    );
    expect(assessReply({ text: "", finishReason: "BLOCKED_SAFETY", file: "a.py" }).error).toBe(
      "the model did not finish the reply (BLOCKED_SAFETY)",
    );
    expect(assessReply({ text: whole, finishReason: null, file: "a.py" }).success).toBe(false);
  });
});

describe("input checks", () => {
  it("name the offending entry: a missing file, a file outside the project, a duplicate", () => {
    const project = makeProject({ "src/a.py": "a\n", "src/b.py": "b\n" });
    const base = { issueReportFile: "tmp/issues/fix_logger_bind.md", cwd: project.root, projectRoot: project.root };
    expect(() => loadInputs({ ...base, filesToFix: ["src/a.py", "src/b.py", "src/x.py"] })).toThrow(
      expect.objectContaining({
        code: "FILE_NOT_FOUND",
        exitCode: 2,
        message: "files_to_fix[2]: file not found: src/x.py",
      }),
    );
    const outside = path.join(path.dirname(project.root), `outside-${path.basename(project.root)}.py`);
    writeFileSync(outside, "x\n");
    onTestFinished(() => rmSync(outside, { force: true }));
    expect(() => loadInputs({ ...base, filesToFix: [outside] })).toThrow(
      expect.objectContaining({ code: "PATH_OUTSIDE_PROJECT", exitCode: 2 }),
    );
    symlinkSync(outside, path.join(project.root, "src", "link.py"));
    expect(() => loadInputs({ ...base, filesToFix: ["src/link.py"] })).toThrow(
      expect.objectContaining({
        code: "PATH_OUTSIDE_PROJECT",
        message: "files_to_fix[0]: a symlink that leads outside the project root: src/link.py",
      }),
    );
    expect(() => loadInputs({ ...base, filesToFix: ["src/a.py", "./src/a.py"] })).toThrow(
      expect.objectContaining({
        code: "BAD_INPUT",
        message: "files_to_fix[1]: duplicate of files_to_fix[0]: ./src/a.py",
      }),
    );
    expect(() => loadInputs({ ...base, issueReportFile: "tmp/issues/nope.md", filesToFix: ["src/a.py"] })).toThrow(
      expect.objectContaining({ message: "issue_report_file: file not found: tmp/issues/nope.md" }),
    );
  });

  it("resolve paths against cwd and name files by their project-relative path", () => {
    const project = makeProject({ "src/a.py": "a\n" });
    const { files } = loadInputs({
      issueReportFile: "../tmp/issues/fix_logger_bind.md",
      filesToFix: ["a.py"],
      cwd: path.join(project.root, "src"),
      projectRoot: project.root,
    });
    expect(files.map((f) => f.file)).toEqual(["src/a.py"]);
  });
});

describe("planFiles", () => {
  const source = (file: string, index: number) => ({
    index,
    file,
    absolute: `/p/${file}`,
    content: "x\n",
    sha256: "h",
  });
  it("numbers by position, keeps two files with the same name apart, and reuses an earlier run's numbers", () => {
    const plan = planFiles([source("a/utils.py", 0), source("b/utils.py", 1)], new Map());
    expect(plan.map((p) => p.names.request)).toEqual(["request_1_utils.md", "request_2_utils.md"]);
    const previous = new Map([["b/utils.py", { n: 1, file_to_fix: "b/utils.py" } as FileMeta]]);
    const resumed = planFiles([source("a/utils.py", 0), source("b/utils.py", 1)], previous);
    expect(resumed.map((p) => [p.file, p.n])).toEqual([
      ["a/utils.py", 2],
      ["b/utils.py", 1],
    ]);
  });
  it("makes stems safe file names", () => {
    expect(stemOf("src/my module.test.py")).toBe("my_module.test");
    expect(stemOf("Makefile")).toBe("Makefile");
    expect(stemOf(".env")).toBe(".env");
  });
});
