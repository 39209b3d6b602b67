import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readExtractionContext, type ExtractionContext } from "./context-file.js";
import { runExtract, type RunExtractOptions } from "./run-extract.js";
import { projectDir as project, tempDir } from "@gembatch/test-utils";
import { put, reply, runDir } from "../test/helpers/project.js";

const at = new Date(2026, 0, 2, 3, 4, 5);
const stamped = "tmp/gemini_extracted_20260102_030405";

function extract(root: string, markdownFile: RunExtractOptions["markdownFile"], more: Partial<RunExtractOptions> = {}) {
  return runExtract(
    { markdownFile, cwd: root, projectRoot: root, tmpDir: path.join(root, "tmp"), ...more },
    { now: () => at },
  );
}

function readContext(dir: string): ExtractionContext {
  return JSON.parse(readFileSync(path.join(dir, "EXTRACTION_CONTEXT.json"), "utf8")) as ExtractionContext;
}

/** Every path the context records, for checking they all resolve the same way. */
function contextPaths(context: ExtractionContext): string[] {
  return [
    context.output_dir,
    ...context.sources.flatMap((s) => [s.response_file, ...(s.meta_file ? [s.meta_file] : [])]),
    ...context.files.flatMap((f) => [f.source, ...(f.output_file ? [f.output_file] : [])]),
    ...context.refused.map((r) => r.source),
  ];
}

describe("the extraction context", () => {
  it("is written with the refusals when every reply is refused, so apply can read them", async () => {
    const root = project({ "src/a.py": "old\n" });
    const dir = runDir(root, [
      {
        file: "src/a.py",
        response: reply("src/a.py", "new"),
        meta: { file_to_fix: "src/a.py", finish_reason: "MAX_TOKENS", truncated: true },
      },
    ]);
    const result = await extract(root, dir);
    expect(result).toMatchObject({
      success: false,
      files: [],
      output_dir: stamped,
      context_file: `${stamped}/EXTRACTION_CONTEXT.md`,
      context_json: `${stamped}/EXTRACTION_CONTEXT.json`,
    });
    const out = path.join(root, stamped);
    expect(readdirSync(out).sort()).toEqual(["EXTRACTION_CONTEXT.json", "EXTRACTION_CONTEXT.md"]);
    expect(readContext(out)).toMatchObject({
      output_dir: stamped,
      files: [],
      refused: [{ path: "src/a.py", code: "truncated", source: "tmp/gemini_batch_20260101_120000/response_1_a.md" }],
    });
    const markdown = readFileSync(path.join(out, "EXTRACTION_CONTEXT.md"), "utf8");
    expect(markdown).toContain("`src/a.py` — **truncated**");
    expect(markdown).not.toContain("diff -u");
  });

  it("creates a given output_dir to hold it when nothing else is written", async () => {
    const root = project();
    put(root, "reply.md", "no markers here\n");
    const result = await extract(root, "reply.md", { outputDir: "out/attempt_1" });
    expect(result).toMatchObject({
      output_dir: "out/attempt_1",
      context_json: "out/attempt_1/EXTRACTION_CONTEXT.json",
      refused: [{ path: null, code: "no_markers" }],
    });
    expect(readContext(path.join(root, "out/attempt_1")).refused).toMatchObject([
      { path: null, code: "no_markers", source: "reply.md" },
    ]);
  });

  it("is not written in a dry run, even when everything is refused", async () => {
    const root = project();
    put(root, "reply.md", "no markers here\n");
    const result = await extract(root, "reply.md", { dryRun: true });
    expect(result).toMatchObject({ output_dir: null, context_file: null, context_json: null });
    expect(existsSync(path.join(root, "tmp"))).toBe(false);
  });

  it("records every path relative to the project root when extract ran in a subdirectory", async () => {
    const root = project({ "src/a.py": "old a\n", "src/b.py": "old b\n" });
    runDir(root, [
      { file: "src/a.py", response: reply("src/a.py", "new a") },
      {
        file: "src/b.py",
        response: reply("src/b.py", "new b"),
        meta: { file_to_fix: "src/b.py", finish_reason: "MAX_TOKENS", truncated: true },
      },
    ]);
    const cwd = path.join(root, "deep", "sub");
    mkdirSync(cwd, { recursive: true });
    const result = await extract(root, "../../tmp/gemini_batch_20260101_120000", {
      cwd,
      files: ["src/a.py", "src/b.py", "src/c.py"],
    });
    const run = "tmp/gemini_batch_20260101_120000";
    const context = readContext(path.join(root, stamped));
    expect(context).toMatchObject({
      output_dir: stamped,
      sources: [
        { response_file: `${run}/response_1_a.md`, meta_file: `${run}/response_1_a.meta.json` },
        { response_file: `${run}/response_2_b.md`, meta_file: `${run}/response_2_b.meta.json` },
      ],
      files: [{ path: "src/a.py", source: `${run}/response_1_a.md`, output_file: `${stamped}/src/a.py` }],
      refused: [
        { path: "src/b.py", code: "truncated", source: `${run}/response_2_b.md` },
        { path: "src/c.py", code: "missing_file", source: `${run}/response_1_a.md, ${run}/response_2_b.md` },
      ],
    });
    const single = contextPaths(context).flatMap((p) => p.split(", "));
    for (const file of single) expect(existsSync(path.join(root, file)), file).toBe(true);
    // The command's result uses the same project-relative paths as the context (and as send and apply).
    expect(result).toMatchObject({
      output_dir: context.output_dir,
      files: context.files,
      refused: context.refused,
      context_json: `${stamped}/EXTRACTION_CONTEXT.json`,
    });
  });

  it("records paths outside the project as absolute", async () => {
    const root = project();
    const elsewhere = tempDir();
    const replyFile = put(elsewhere, "reply.md", reply("a.py", "x = 1"));
    const outputDir = path.join(elsewhere, "out");
    const result = await extract(root, replyFile, { outputDir });
    const context = readContext(outputDir);
    expect(context).toMatchObject({
      output_dir: outputDir,
      sources: [{ response_file: replyFile }],
      files: [{ path: "a.py", source: replyFile, output_file: path.join(outputDir, "a.py") }],
    });
    expect(result).toMatchObject({
      output_dir: outputDir,
      context_json: path.join(outputDir, "EXTRACTION_CONTEXT.json"),
    });
  });
});

describe("readExtractionContext, the one reader of EXTRACTION_CONTEXT.json", () => {
  it("reads back what extract wrote, and refuses a missing file, another shape and a link out of the directory", async () => {
    const root = project({ "src/a.py": "old\n" });
    const dir = runDir(root, [{ file: "src/a.py", response: reply("src/a.py", "new"), meta: null }]);
    await extract(root, dir);
    const out = path.join(root, stamped);
    const options = { field: "extracted_dir", shown: stamped };
    const written = readContext(out);
    expect(readExtractionContext(out, options)).toMatchObject({
      files: [{ path: "src/a.py", source: written.files[0]!.source }],
      refused: [],
      sources: [{ response_file: written.sources[0]!.response_file }],
    });

    const empty = tempDir();
    expect(() => readExtractionContext(empty, { field: "extracted_dir", shown: "x" })).toThrow(
      expect.objectContaining({ code: "FILE_NOT_FOUND", message: "extracted_dir: no EXTRACTION_CONTEXT.json in x" }),
    );
    writeFileSync(path.join(empty, "EXTRACTION_CONTEXT.json"), JSON.stringify({ files: "src/a.py" }));
    expect(() => readExtractionContext(empty, options)).toThrow(
      "extracted_dir: EXTRACTION_CONTEXT.json does not have the shape gembatch extract writes",
    );
    const linked = tempDir();
    symlinkSync(path.join(out, "EXTRACTION_CONTEXT.json"), path.join(linked, "EXTRACTION_CONTEXT.json"));
    expect(() => readExtractionContext(linked, options)).toThrow(expect.objectContaining({ code: "BAD_INPUT" }));
  });
});
