import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeReply, listResponses } from "./run-dir.js";
import { projectDir as project } from "@gembatch/test-utils";
import { reply, runDir } from "../test/helpers/project.js";

describe("describeReply", () => {
  it("reads focus file, finish reason, hash and fence from the meta file", async () => {
    const root = project();
    const meta = {
      file_to_fix: "src/a.py",
      finish_reason: "MAX_TOKENS",
      truncated: true,
      sha256_sent: "ab",
      fence: "````",
      model: "x",
    };
    const dir = runDir(root, [{ file: "src/a.py", response: reply("src/a.py", "x"), meta }]);
    const source = await describeReply(path.join(dir, "response_1_a.md"), { warn: () => {} });
    expect(source).toMatchObject({
      focusFile: "src/a.py",
      focusFrom: "meta",
      finishReason: "MAX_TOKENS",
      truncated: true,
      sha256Sent: "ab",
      fence: "````",
    });
  });

  it("falls back to BATCH_SUMMARY.json, then to the request's last START instruction", async () => {
    const root = project();
    const summary = { success: true, results: [{ file_to_fix: "src/a.py", success: true, finish_reason: "STOP" }] };
    const dir = runDir(root, [{ file: "src/a.py", response: "x", meta: null }], { summary });
    expect(await describeReply(path.join(dir, "response_1_a.md"), { warn: () => {} })).toMatchObject({
      focusFile: "src/a.py",
      focusFrom: "summary",
      finishReason: "STOP",
    });

    const other = runDir(
      root,
      [{ file: "src/b.py", response: "x", meta: null, request: "…<!-- CODE_FILE_START: src/b.py -->…" }],
      { name: "gemini_batch_2" },
    );
    const source = await describeReply(path.join(other, "response_1_b.md"), { warn: () => {} });
    expect(source).toMatchObject({ focusFile: "src/b.py", focusFrom: "request" });
    expect(source.finishReason).toBeUndefined();
  });

  it("warns about an unreadable meta file and ignores it", async () => {
    const root = project();
    const dir = runDir(root, [{ file: "src/a.py", response: "x", meta: null }]);
    writeFileSync(path.join(dir, "response_1_a.meta.json"), "{not json");
    const warnings: string[] = [];
    const source = await describeReply(path.join(dir, "response_1_a.md"), { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(["response_1_a.meta.json is not valid JSON; ignoring it"]);
    expect(source.focusFile).toBeUndefined();
  });

  it("knows nothing about a bare response file", async () => {
    const root = project();
    writeFileSync(path.join(root, "reply.md"), "x");
    expect(await describeReply(path.join(root, "reply.md"), { warn: () => {} })).toEqual({
      responseFile: path.join(root, "reply.md"),
    });
  });
});

describe("listResponses", () => {
  it("lists responses in request order, not name order", async () => {
    const root = project();
    const files = Array.from({ length: 11 }, (_, i) => ({ file: `src/f${i + 1}.py`, response: "x" }));
    const dir = runDir(root, files);
    const names = (await listResponses(dir)).map((f) => path.basename(f));
    expect(names.slice(0, 3)).toEqual(["response_1_f1.md", "response_2_f2.md", "response_3_f3.md"]);
    expect(names).toHaveLength(11);
  });
});
