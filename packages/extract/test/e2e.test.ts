import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gembatch, projectDir, writeTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import type { ExtractResult } from "../src/run-extract.js";

// Runs the built umbrella bin, as an agent or a developer would.
const project = () => projectDir();
const write = (root: string, file: string, content: string) => writeTree(root, { [file]: content });

const code = "import os\n\n\ndef main():\n    return os.getcwd()\n";
const run = "tmp/gemini_batch_20250715_063222";

function sentRun(root: string): void {
  write(root, "src/arango_log_sink.py", "old\r\n");
  write(root, `${run}/request_1_arango_log_sink.md`, "…<!-- CODE_FILE_START: src/arango_log_sink.py -->…");
  write(
    root,
    `${run}/response_1_arango_log_sink.md`,
    `Fixed.\r\n<!-- CODE_FILE_START: src/arango_log_sink.py -->\r\n\`\`\`\`python\r\n${code.replace(/\n/g, "\r\n")}\`\`\`\`\r\n<!-- CODE_FILE_END: src/arango_log_sink.py -->\r\n`,
  );
  write(
    root,
    `${run}/response_1_arango_log_sink.meta.json`,
    JSON.stringify({ file_to_fix: "src/arango_log_sink.py", finish_reason: "STOP", truncated: false, fence: "````" }),
  );
  write(root, `${run}/request_2_agent_log_manager.md`, "…");
  write(
    root,
    `${run}/response_2_agent_log_manager.md`,
    "<!-- CODE_FILE_START: src/agent_log_manager.py -->\n```python\nimport os\n",
  );
  write(
    root,
    `${run}/response_2_agent_log_manager.meta.json`,
    JSON.stringify({
      file_to_fix: "src/agent_log_manager.py",
      finish_reason: "MAX_TOKENS",
      truncated: true,
      fence: "```",
    }),
  );
}

describe("gembatch extract (built bin)", () => {
  it("the seed's call: one JSON argument in, one JSON result out, the file written byte-exact", async () => {
    const root = project();
    sentRun(root);
    const result = await gembatch(root, [
      "extract",
      JSON.stringify({ markdown_file: `${run}/response_1_arango_log_sink.md` }),
    ]);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as ExtractResult;
    expect(doc).toMatchObject({
      success: true,
      refused: [],
      files: [{ path: "src/arango_log_sink.py", lines: 5, line_ending: "crlf" }],
    });
    expect(doc.output_dir).toMatch(/^tmp\/gemini_extracted_\d{8}_\d{6}$/);
    expect(readFileSync(path.join(root, doc.output_dir!, "src/arango_log_sink.py"), "utf8")).toBe(
      code.replace(/\n/g, "\r\n"),
    );
    expect(existsSync(path.join(root, doc.output_dir!, "EXTRACTION_CONTEXT.md"))).toBe(true);
  });

  it("a run directory with a truncated reply: human summary, the refusal named, exit 1", async () => {
    const root = project();
    sentRun(root);
    const result = await gembatch(root, ["extract", run]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split("\n")[0]).toMatch(/^Extracted 1 file\(s\) to tmp\/gemini_extracted_\d{8}_\d{6}\/$/);
    expect(result.stdout).toContain(
      "src/agent_log_manager.py: truncated: the reply stopped early (finish reason MAX_TOKENS)",
    );
  });

  it("a missing file is bad input: exit 2 and a one-line error", async () => {
    const root = project();
    const result = await gembatch(root, ["extract", JSON.stringify({ markdown_file: "x.md" })]);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      success: false,
      error: { code: "FILE_NOT_FOUND", message: "markdown_file: file not found: x.md" },
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
