import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runExtract } from "../src/run-extract.js";
import { RefusalCodes } from "../src/types.js";
import { projectDir as project, tempDir } from "@gembatch/test-utils";

// Each directory under corpus/ is one model reply (reply.md), what the sender wrote beside it (meta.json,
// request.md), the project's originals (project/), and the expected outcome (expected.json, expected/).
const corpus = fileURLToPath(new URL("./corpus/", import.meta.url));
const cases = readdirSync(corpus)
  .filter((name) => existsSync(path.join(corpus, name, "expected.json")))
  .sort();

interface Expected {
  description: string;
  setup?: { crlf_reply?: boolean; crlf_project?: string[]; files?: string[]; symlink_outside?: string };
  exit: 0 | 1;
  files: Array<{ path: string; lines: number }>;
  refused: Array<{ path: string | null; code: string }>;
  warnings?: string[];
}

const read = (file: string) => readFileSync(file, "utf8");
const byPath = <T extends { path: string | null }>(list: T[]) =>
  [...list].sort((a, b) => `${a.path}`.localeCompare(`${b.path}`));

describe("extraction corpus", () => {
  it("covers every refusal code a reply can cause, with at least 30 replies", () => {
    const codes = new Set(
      cases.flatMap((name) =>
        (JSON.parse(read(path.join(corpus, name, "expected.json"))) as Expected).refused.map((r) => r.code),
      ),
    );
    const reachable = RefusalCodes.filter((code) => code !== "write_failed");
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(reachable.filter((code) => !codes.has(code))).toEqual([]);
  });

  it.each(cases)("%s", async (name) => {
    const dir = path.join(corpus, name);
    const expected = JSON.parse(read(path.join(dir, "expected.json"))) as Expected;
    const setup = expected.setup ?? {};
    const root = project();
    if (existsSync(path.join(dir, "project"))) cpSync(path.join(dir, "project"), root, { recursive: true });
    for (const file of setup.crlf_project ?? [])
      writeFileSync(path.join(root, file), read(path.join(root, file)).replace(/\n/g, "\r\n"));
    if (setup.symlink_outside) symlinkSync(tempDir(), path.join(root, setup.symlink_outside));

    let text = read(path.join(dir, "reply.md"));
    if (setup.crlf_reply) text = text.replace(/\n/g, "\r\n");
    const hasMeta = existsSync(path.join(dir, "meta.json"));
    const hasRequest = existsSync(path.join(dir, "request.md"));
    let markdownFile = "reply.md";
    if (hasMeta || hasRequest) {
      const runDir = path.join(root, "tmp", "gemini_batch_20260101_000000");
      mkdirSync(runDir, { recursive: true });
      markdownFile = "tmp/gemini_batch_20260101_000000/response_1_app.md";
      if (hasMeta) cpSync(path.join(dir, "meta.json"), path.join(runDir, "response_1_app.meta.json"));
      if (hasRequest) cpSync(path.join(dir, "request.md"), path.join(runDir, "request_1_app.md"));
    }
    writeFileSync(path.join(root, markdownFile), text);

    const result = await runExtract({
      markdownFile,
      cwd: root,
      projectRoot: root,
      tmpDir: path.join(root, "tmp"),
      ...(setup.files ? { files: setup.files } : {}),
    });

    expect(result.success ? 0 : 1, expected.description).toBe(expected.exit);
    expect(byPath(result.files.map((f) => ({ path: f.path, lines: f.lines })))).toEqual(byPath(expected.files));
    expect(byPath(result.refused.map((r) => ({ path: r.path, code: r.code })))).toEqual(byPath(expected.refused));
    if (expected.warnings) {
      for (const fragment of expected.warnings)
        expect(
          result.warnings.some((w) => w.includes(fragment)),
          fragment,
        ).toBe(true);
    } else {
      expect(result.warnings).toEqual([]);
    }
    // The context is written even when everything was refused: apply reads the refusals from it.
    const out = path.join(root, result.output_dir!);
    expect(existsSync(path.join(out, "EXTRACTION_CONTEXT.json"))).toBe(true);
    if (result.files.length === 0)
      expect(readdirSync(out).sort()).toEqual(["EXTRACTION_CONTEXT.json", "EXTRACTION_CONTEXT.md"]);
    for (const refusal of result.refused)
      if (refusal.path) expect(existsSync(path.join(out, refusal.path)), refusal.path).toBe(false);
    const exact = path.join(dir, "expected");
    if (existsSync(exact)) {
      for (const file of readdirSync(exact, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
        const relative = path.relative(exact, path.join(file.parentPath, file.name));
        expect(read(path.join(out, relative)), relative).toBe(read(path.join(exact, relative)));
      }
    }
  });
});
