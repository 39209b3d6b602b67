import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { runSend } from "./run-send.js";
import { sendExitCode } from "./summary.js";
import { makeProject, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { FileMeta } from "./types.js";

const A = "def a():\n    return 1\n";
const PART1 = "<!-- CODE_FILE_START: src/a.py -->\n```python\ndef a():\n    ret";
const PART2 = "urn 2\n\n\ndef helper():\n    pa";
const PART3 = "ss\n```\n<!-- CODE_FILE_END: src/a.py -->\n";
const CONTINUE = "Continue EXACTLY where it stopped";

describe("replies cut off by MAX_TOKENS", () => {
  it("marks the reply truncated and the file failed when continuation is off", async () => {
    const project = makeProject({ "src/a.py": A });
    const { emu, client } = await useEmulator({
      script: [replyFor("src/a.py", { text: PART1, finishReason: "MAX_TOKENS" })],
    });
    const result = await runSend(project.options(), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(1);
    expect(result.results[0]).toMatchObject({
      success: false,
      truncated: true,
      finish_reason: "MAX_TOKENS",
      continuations: 0,
    });
    expect(result.results[0]!.error).toMatch(/^truncated/);
    expect(result.files_truncated).toBe(1);
    expect(project.read(`${result.output_dir}/response_1_a.md`)).toBe(PART1);
    expect(emu.record.counts.generateContent).toBe(1);
  });

  it("asks for the rest with the partial reply as the model's turn, stitches the parts and accepts on the END marker", async () => {
    const project = makeProject({ "src/a.py": A });
    const { emu, client } = await useEmulator({
      script: [
        { match: { text: CONTINUE, nth: 2 }, reply: { text: PART3 } },
        { match: { text: CONTINUE }, reply: { text: PART2, finishReason: "MAX_TOKENS" } },
        replyFor("src/a.py", { text: PART1, finishReason: "MAX_TOKENS" }),
      ],
    });
    const result = await runSend(project.options({ continueTruncated: 3 }), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(0);
    expect(result.results[0]).toMatchObject({
      success: true,
      truncated: false,
      finish_reason: "STOP",
      continuations: 2,
    });
    expect(project.read(`${result.output_dir}/response_1_a.md`)).toBe(PART1 + PART2 + PART3);
    const meta = readJson<FileMeta>(path.join(project.root, result.output_dir, "response_1_a.meta.json"));
    expect(meta.parts.map((p) => [p.request_file, p.response_file, p.finish_reason])).toEqual([
      ["request_1_a.md", "parts/response_1_a.part1.md", "MAX_TOKENS"],
      ["parts/request_1_a.part2.md", "parts/response_1_a.part2.md", "MAX_TOKENS"],
      ["parts/request_1_a.part3.md", "parts/response_1_a.part3.md", "STOP"],
    ]);
    expect(project.read(`${result.output_dir}/parts/response_1_a.part2.md`)).toBe(PART2);
    // The second continuation carries everything so far as the model's turn.
    const third = emu.record.generate[2]!.prompt;
    expect(third).toContain(`${PART1}${PART2}\nYour previous reply was cut off`);
    expect(project.read(`${result.output_dir}/parts/request_1_a.part3.md`)).toContain(
      `<!-- CONTENT turn=2 role=model part=1 -->\n${PART1}${PART2}\n`,
    );
    expect(meta.usage.prompt_tokens).toBe(emu.record.generate.reduce((sum, g) => sum + g.promptTokens, 0));
    expect(meta.attempts).toBe(3);
  });

  it("stays truncated when the END marker never arrives within the allowed continuations", async () => {
    const project = makeProject({ "src/a.py": A });
    const { emu, client } = await useEmulator({
      script: [
        { match: { text: CONTINUE }, reply: { text: PART2, finishReason: "MAX_TOKENS" } },
        replyFor("src/a.py", { text: PART1, finishReason: "MAX_TOKENS" }),
      ],
    });
    const result = await runSend(project.options({ continueTruncated: 2 }), { client, clock: createManualClock() });
    expect(result.results[0]).toMatchObject({ success: false, truncated: true, continuations: 2 });
    expect(result.results[0]!.error).toMatch(/after 2 continuation\(s\)$/);
    expect(emu.record.counts.generateContent).toBe(3);
  });
});
