import { executeCommand, ExitCode } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { extractCommand } from "./cli.js";
import { captureIo, projectDir as project } from "@gembatch/test-utils";
import { put, reply } from "../test/helpers/project.js";
import type { ExtractResult } from "./run-extract.js";

async function run(cwd: string, positionals: string[], flags: Record<string, unknown> = {}) {
  const io = captureIo({ cwd });
  const outcome = await executeCommand(extractCommand, { positionals, flags }, io);
  return { code: outcome.exitCode, out: io.out(), err: io.err() };
}

describe("gembatch extract (in-process)", () => {
  it("takes the seed's JSON argument and prints one JSON result", async () => {
    const root = project();
    put(root, "tmp/gemini_batch_1/response_1_a.md", reply("src/a.py", "x = 1"));
    const { code, out } = await run(root, [JSON.stringify({ markdown_file: "tmp/gemini_batch_1/response_1_a.md" })]);
    expect(code).toBe(ExitCode.OK);
    const doc = JSON.parse(out) as ExtractResult;
    expect(doc).toMatchObject({ success: true, files: [{ path: "src/a.py", lines: 1 }], refused: [], warnings: [] });
    expect(doc.output_dir).toMatch(/^tmp\/gemini_extracted_\d{8}_\d{6}$/);
    expect(out).not.toContain("x = 1");
  });

  it("prints the seed's one-line summary for flags and positionals", async () => {
    const root = project();
    put(root, "reply.md", reply("src/a.py", "x = 1"));
    const { code, out } = await run(root, ["reply.md"]);
    expect(code).toBe(ExitCode.OK);
    expect(out.split("\n")[0]).toMatch(/^Extracted 1 file\(s\) to tmp\/gemini_extracted_\d{8}_\d{6}\/$/);
    const flagged = await run(root, [], { markdown_file: ["reply.md"], dry_run: true });
    expect(flagged.out.split("\n")[0]).toBe("Would extract 1 file(s) (dry run, nothing written)");
  });

  it("exits 1 and names each refusal (with the seed's hint for missing markers) on stderr and stdout", async () => {
    const root = project();
    put(root, "reply.md", "I fixed it, here is the code:\n```python\nx = 1\n```\n");
    const { code, out } = await run(root, ["reply.md"]);
    expect(code).toBe(ExitCode.ITEMS_FAILED);
    expect(out).toMatch(
      /^Extracted 0 file\(s\); only the extraction context written to tmp\/gemini_extracted_\d{8}_\d{6}\/$/m,
    );
    expect(out).toContain("(no path): no_markers: Code markers not found in response (reply.md)");
    expect(out).toContain("hint: the model did not follow the format");
    const json = await run(root, [JSON.stringify({ markdown_file: "reply.md" })]);
    const doc = JSON.parse(json.out) as ExtractResult;
    expect(doc).toMatchObject({ success: false, files: [], refused: [{ path: null, code: "no_markers" }] });
    expect(doc.context_json).toBe(`${doc.output_dir}/EXTRACTION_CONTEXT.json`);
  });

  it("exits 2 for a missing file or a bad argument, with a one-line error", async () => {
    const root = project();
    const missing = await run(root, [JSON.stringify({ markdown_file: "x.md" })]);
    expect(missing.code).toBe(ExitCode.BAD_INPUT);
    expect(JSON.parse(missing.out)).toMatchObject({
      success: false,
      error: { code: "FILE_NOT_FOUND", message: "markdown_file: file not found: x.md" },
    });
    const none = await run(root, [JSON.stringify({})]);
    expect(none.code).toBe(ExitCode.BAD_INPUT);
    expect((JSON.parse(none.out) as { error: { code: string; message: string } }).error.message).toBe(
      "markdown_file: required (a response file, a run directory, or a list of them)",
    );
    const typo = await run(root, [JSON.stringify({ markdown_fle: "x.md" })]);
    expect((JSON.parse(typo.out) as { error: { code: string; message: string } }).error.message).toContain(
      'markdown_fle: unknown key (did you mean "markdown_file"?)',
    );
  });

  it("passes warnings to stderr and into the result", async () => {
    const root = project();
    put(root, "reply.md", reply("a.py", "x = 1") + reply("a.py", "x = 1"));
    const { code, out, err } = await run(root, ["reply.md"]);
    expect(code).toBe(ExitCode.OK);
    expect(err).toContain("warning: reply.md: a.py: 2 identical blocks (lines 1, 6); extracted once");
    expect(out).toContain("Extracted 1 file(s)");
  });
});
