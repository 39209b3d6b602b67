import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256 } from "./extract-text.js";
import { runExtract, type RunExtractOptions } from "./run-extract.js";
import { projectDir as project, tempDir } from "@gembatch/test-utils";
import { put, reply, runDir } from "../test/helpers/project.js";

const at = new Date(2026, 0, 2, 3, 4, 5);
function extract(root: string, markdownFile: RunExtractOptions["markdownFile"], more: Partial<RunExtractOptions> = {}) {
  return runExtract(
    { markdownFile, cwd: root, projectRoot: root, tmpDir: path.join(root, "tmp"), ...more },
    { now: () => at },
  );
}

function listTree(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listTree(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

describe("runExtract", () => {
  it("writes a bare response's files under tmp/gemini_extracted_<stamp>/ with an extraction context", async () => {
    const root = project();
    put(root, "reply.md", `Here:\n${reply("src/a.py", "x = 1", { lang: "python" })}`);
    const result = await extract(root, "reply.md");
    expect(result).toMatchObject({
      success: true,
      output_dir: "tmp/gemini_extracted_20260102_030405",
      refused: [],
      warnings: [],
      responses: 1,
    });
    expect(result.files).toEqual([
      {
        path: "src/a.py",
        lines: 1,
        sha256: sha256("x = 1\n"),
        bytes: 6,
        line_ending: "lf",
        output_file: "tmp/gemini_extracted_20260102_030405/src/a.py",
        source: "reply.md",
      },
    ]);
    const out = path.join(root, result.output_dir!);
    expect(listTree(out)).toEqual(["EXTRACTION_CONTEXT.json", "EXTRACTION_CONTEXT.md", "src/a.py"]);
    expect(readFileSync(path.join(out, "src/a.py"), "utf8")).toBe("x = 1\n");
    const context: unknown = JSON.parse(readFileSync(path.join(out, "EXTRACTION_CONTEXT.json"), "utf8"));
    expect(context).toMatchObject({
      output_dir: "tmp/gemini_extracted_20260102_030405",
      sources: [{ response_file: "reply.md", meta_file: null, focus_file: null, blocks: 1 }],
      files: [{ path: "src/a.py", sha256: sha256("x = 1\n") }],
    });
    const markdown = readFileSync(path.join(out, "EXTRACTION_CONTEXT.md"), "utf8");
    expect(markdown).toContain("diff -u src/a.py tmp/gemini_extracted_20260102_030405/src/a.py");
    expect(markdown).not.toContain("x = 1");
  });

  it("escapes quoted markers in the context markdown so it never reads as a reply", async () => {
    const root = project();
    put(
      root,
      "reply.md",
      reply("a.py", "x = 1") + reply("page.html", "<p>\n<!-- ... rest of the template ... -->\n</p>"),
    );
    const result = await extract(root, "reply.md");
    const markdown = readFileSync(path.join(root, result.output_dir!, "EXTRACTION_CONTEXT.md"), "utf8");
    expect(markdown).toContain('"&lt;!-- ... rest of the template ... -->"');
    expect(markdown).not.toMatch(/<!--/);
  });

  it("does not collide with a run in the same second", async () => {
    const root = project();
    put(root, "reply.md", reply("a.py", "x = 1"));
    const first = await extract(root, "reply.md");
    const second = await extract(root, "reply.md");
    const third = await extract(root, "reply.md");
    expect([first.output_dir, second.output_dir, third.output_dir]).toEqual([
      "tmp/gemini_extracted_20260102_030405",
      "tmp/gemini_extracted_20260102_030405_2",
      "tmp/gemini_extracted_20260102_030405_3",
    ]);
  });

  it("extracts a whole run directory, each reply limited to its focus file", async () => {
    const root = project({ "src/a.py": "old a\n", "src/b.py": "old b\n" });
    const dir = runDir(root, [
      { file: "src/a.py", response: reply("src/a.py", "new a") + reply("setup.py", "evil") },
      {
        file: "src/b.py",
        response: reply("src/b.py", "new b"),
        meta: { file_to_fix: "src/b.py", finish_reason: "MAX_TOKENS", truncated: true },
      },
      { file: "src/c.py", response: reply("src/c.py", "new c"), meta: null },
    ]);
    const result = await extract(root, dir);
    const source = (n: number, stem: string) => `tmp/gemini_batch_20260101_120000/response_${n}_${stem}.md`;
    expect(result.files.map((f) => `${f.path}<${f.source}`)).toEqual([
      `src/a.py<${source(1, "a")}`,
      `src/c.py<${source(3, "c")}`,
    ]);
    expect(result.refused.map((r) => `${r.path}:${r.code}<${r.source}`)).toEqual([
      `setup.py:not_requested<${source(1, "a")}`,
      `src/b.py:truncated<${source(2, "b")}`,
    ]);
    expect(result.success).toBe(false);
    expect(existsSync(path.join(root, result.output_dir!, "setup.py"))).toBe(false);
    expect(existsSync(path.join(root, result.output_dir!, "src/b.py"))).toBe(false);
    expect(result.warnings).toEqual(["src/a.py: changed in the project since it was sent; review the diff with care"]);
  });

  it("matches the original's CRLF and missing final newline, and hashes what it wrote", async () => {
    const root = project({ "src/win.py": "a = 1\r\nb = 2\r\n", "src/nofinal.py": "a = 1" });
    put(
      root,
      "reply.md",
      reply("src/win.py", "a = 1\nb = 3").replace(/\n/g, "\r\n") +
        reply("src/nofinal.py", "a = 2") +
        reply("src/new.py", "n = 1"),
    );
    const result = await extract(root, "reply.md");
    const out = path.join(root, result.output_dir!);
    expect(readFileSync(path.join(out, "src/win.py"), "utf8")).toBe("a = 1\r\nb = 3\r\n");
    expect(readFileSync(path.join(out, "src/nofinal.py"), "utf8")).toBe("a = 2");
    expect(readFileSync(path.join(out, "src/new.py"), "utf8")).toBe("n = 1\n");
    expect(result.files.map((f) => [f.path, f.line_ending, f.lines, f.sha256])).toEqual([
      ["src/win.py", "crlf", 2, sha256("a = 1\r\nb = 3\r\n")],
      ["src/nofinal.py", "lf", 1, sha256("a = 2")],
      ["src/new.py", "lf", 1, sha256("n = 1\n")],
    ]);
  });

  it("refuses a path that leads out of the project through a symlink", async () => {
    const root = project();
    const outside = tempDir();
    symlinkSync(outside, path.join(root, "vendor"));
    put(root, "reply.md", reply("vendor/x.py", "x = 1"));
    const result = await extract(root, "reply.md");
    expect(result.refused).toMatchObject([{ path: "vendor/x.py", code: "outside_project" }]);
    expect(readdirSync(outside)).toEqual([]);
    expect(listTree(path.join(root, result.output_dir!))).toEqual(["EXTRACTION_CONTEXT.json", "EXTRACTION_CONTEXT.md"]);
  });

  it("writes into a given output_dir, never into the project itself", async () => {
    const root = project();
    put(root, "reply.md", reply("a.py", "x = 1"));
    const result = await extract(root, "reply.md", { outputDir: "out/attempt_1" });
    expect(result.output_dir).toBe("out/attempt_1");
    expect(readFileSync(path.join(root, "out/attempt_1/a.py"), "utf8")).toBe("x = 1\n");
    await expect(extract(root, "reply.md", { outputDir: "." })).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      exitCode: 2,
    });
    await expect(extract(root, "reply.md", { outputDir: ".." })).rejects.toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
    });
  });

  it("does not follow a symlinked directory inside a reused output_dir", async () => {
    const root = project();
    const outside = tempDir();
    mkdirSync(path.join(root, "out"));
    symlinkSync(outside, path.join(root, "out", "src"));
    put(root, "reply.md", reply("src/a.py", "x = 1") + reply("b.py", "y = 1"));
    const result = await extract(root, "reply.md", { outputDir: "out" });
    expect(result.refused).toMatchObject([{ path: "src/a.py", code: "write_failed" }]);
    expect(result.files.map((f) => f.path)).toEqual(["b.py"]);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("dry run reports without writing", async () => {
    const root = project();
    put(root, "reply.md", reply("a.py", "x = 1"));
    const result = await extract(root, "reply.md", { dryRun: true });
    expect(result).toMatchObject({
      success: true,
      dry_run: true,
      output_dir: null,
      context_file: null,
      files: [{ path: "a.py", output_file: null }],
    });
    expect(existsSync(path.join(root, "tmp"))).toBe(false);
  });

  it("limits several replies to the files given, refuses different versions across replies", async () => {
    const root = project();
    put(root, "one.md", reply("a.py", "x = 1") + reply("b.py", "y = 1"));
    put(root, "two.md", reply("a.py", "x = 2") + reply("c.py", "z = 1"));
    const result = await extract(root, ["one.md", "two.md"], { files: ["a.py", "./c.py", "d.py"] });
    expect(result.files.map((f) => f.path)).toEqual(["c.py"]);
    expect(result.refused.map((r) => `${r.path}:${r.code}<${r.source}`)).toEqual([
      "b.py:not_requested<one.md",
      "a.py:conflicting_blocks<one.md",
      "a.py:conflicting_blocks<two.md",
      "d.py:missing_file<one.md, two.md",
    ]);
  });

  it("warns when the project file changed since it was sent", async () => {
    const root = project({ "src/a.py": "now\n" });
    const dir = runDir(root, [
      {
        file: "src/a.py",
        response: reply("src/a.py", "new"),
        meta: { file_to_fix: "src/a.py", finish_reason: "STOP", sha256_sent: sha256("then\n") },
      },
    ]);
    const changed = await extract(root, dir);
    expect(changed.warnings).toEqual(["src/a.py: changed in the project since it was sent; review the diff with care"]);
    writeFileSync(path.join(root, "src/a.py"), "then\n");
    expect((await extract(root, dir)).warnings).toEqual([]);
  });

  it("rejects bad input with the field and exit code 2", async () => {
    const root = project();
    mkdirSync(path.join(root, "empty"));
    put(root, "tmp/gemini_batch_1/request_1_a.md", "x");
    await expect(extract(root, "x.md")).rejects.toMatchObject({
      code: "FILE_NOT_FOUND",
      exitCode: 2,
      message: "markdown_file: file not found: x.md",
    });
    await expect(extract(root, ["reply.md", "x.md"])).rejects.toMatchObject({
      message: "markdown_file[0]: file not found: reply.md",
    });
    await expect(extract(root, "empty")).rejects.toMatchObject({
      code: "BAD_INPUT",
      message: "markdown_file: no response_<n>_<name>.md files in empty",
    });
    await expect(extract(root, "tmp/gemini_batch_1/request_1_a.md")).rejects.toMatchObject({
      code: "BAD_INPUT",
      hint: "pass response_1_a.md or the run directory",
    });
  });

  it("leaves no temporary files behind", async () => {
    const root = project();
    put(root, "reply.md", Array.from({ length: 20 }, (_, i) => reply(`d${i % 3}/f${i}.py`, `x = ${i}`)).join(""));
    const result = await extract(root, "reply.md");
    const tree = listTree(path.join(root, result.output_dir!));
    expect(tree).toHaveLength(22);
    expect(tree.filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
