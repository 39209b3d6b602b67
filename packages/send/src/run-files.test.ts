import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { readSendMetas, readSendSummary } from "./run-files.js";
import { runSend } from "./run-send.js";
import { fixedReply, makeProject, replyFor, useEmulator } from "../test/helpers/project.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" };

describe("send's run files, read back by send's own readers", () => {
  it("reads every meta and the summary a real run wrote; leaves out a torn meta, one of another shape and a link out of the run", async () => {
    const project = makeProject(FILES);
    const { client } = await useEmulator({
      script: Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") })),
    });
    const result = await runSend(project.options(), { client, clock: createManualClock() });
    const runDir = path.join(project.root, result.output_dir);
    const metas = readSendMetas(runDir);
    expect([...metas.keys()].sort()).toEqual(["src/a.py", "src/b.py"]);
    const written = JSON.parse(readFileSync(path.join(runDir, "response_1_a.meta.json"), "utf8")) as object;
    expect(metas.get("src/a.py")).toEqual(written);
    expect(readSendSummary(runDir)).toMatchObject({
      issue_report_file: "tmp/issues/fix_logger_bind.md",
      results: [
        { file_to_fix: "src/a.py", success: true, finish_reason: "STOP", error: null },
        { file_to_fix: "src/b.py", success: true, finish_reason: "STOP", error: null },
      ],
    });

    writeFileSync(path.join(runDir, "response_3_c.meta.json"), '{"n": 3, "file_to_fix": "src/c.py"');
    writeFileSync(path.join(runDir, "response_4_d.meta.json"), JSON.stringify({ n: 4, file_to_fix: "src/d.py" }));
    writeFileSync(
      path.join(project.root, "elsewhere.json"),
      JSON.stringify({ ...written, n: 5, file_to_fix: "src/e.py" }),
    );
    symlinkSync(path.join(project.root, "elsewhere.json"), path.join(runDir, "response_5_e.meta.json"));
    expect([...readSendMetas(runDir).keys()].sort()).toEqual(["src/a.py", "src/b.py"]);
  });
});
