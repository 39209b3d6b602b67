import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { SYSTEM_INSTRUCTION } from "./prompt.js";
import { runSend } from "./run-send.js";
import { sendExitCode } from "./summary.js";
import { fixedReply, makeProject, MODEL, readJson, replyFor, useEmulator } from "../test/helpers/project.js";
import type { FileMeta, SendResult } from "./types.js";

const A = "import logging\nlog = logging.getLogger()\nlog.bind(x=1).info('a')\n";
const B = "def b():\n    return 2\n";
const FIXED_A = "import logging\nlog = logging.getLogger()\nlog.info('a', x=1)\n";
const FIXED_B = "def b():\n    return 3\n";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("runSend against the emulator", () => {
  it("sends one request per file with the whole report first and writes requests, responses, metas and BATCH_SUMMARY.json", async () => {
    const project = makeProject({ "src/a.py": A, "src/b.py": B });
    const replyA = fixedReply("src/a.py", FIXED_A);
    const replyB = fixedReply("src/b.py", FIXED_B);
    const { emu, client } = await useEmulator({
      script: [
        replyFor("src/a.py", { text: replyA, usage: { promptTokenCount: 10065 } }),
        replyFor("src/b.py", { text: replyB }),
      ],
    });
    const result = await runSend(project.options(), { client, clock: createManualClock() });

    expect(sendExitCode(result)).toBe(0);
    expect(result).toMatchObject({
      success: true,
      files_processed: 2,
      files_succeeded: 2,
      stopped: null,
      not_sent: [],
    });
    expect(result.output_dir).toMatch(/^tmp\/gemini_batch_\d{8}_\d{6}$/);
    const dir = path.join(project.root, result.output_dir);
    expect(project.read(`${result.output_dir}/response_1_a.md`)).toBe(replyA);
    expect(project.read(`${result.output_dir}/response_2_b.md`)).toBe(replyB);

    const [first, second] = emu.record.generate;
    expect(emu.record.counts.generateContent).toBe(2);
    // The prompt the server saw: the system instruction, then the report unchanged, then the one file.
    for (const call of [first!, second!])
      expect(call.prompt.startsWith(`${SYSTEM_INSTRUCTION}\n${project.report}\n`)).toBe(true);
    expect(first!.prompt).toContain("FILE TO FIX: src/a.py");
    expect(first!.prompt).not.toContain("FILE TO FIX: src/b.py");

    const request = project.read(`${result.output_dir}/request_1_a.md`);
    expect(request).toContain(`<!-- SYSTEM_INSTRUCTION -->\n${SYSTEM_INSTRUCTION}\n`);
    expect(request).toContain(
      `<!-- CONTENT turn=1 role=user part=1 -->\n${project.report}\n<!-- CONTENT turn=1 role=user part=2 -->\nFILE TO FIX: src/a.py`,
    );
    expect(request).toContain(`sha256_sent: ${sha(A)}`);

    const meta = readJson<FileMeta>(path.join(dir, "response_1_a.meta.json"));
    expect(meta).toMatchObject({
      file_to_fix: "src/a.py",
      success: true,
      finish_reason: "STOP",
      truncated: false,
      sha256_sent: sha(A),
      fence: "```",
      model: MODEL,
      model_version: MODEL,
      attempts: 1,
      retries: [],
      continuations: 0,
      usage: { prompt_tokens: 10065 },
    });
    expect(meta.cost).toBeCloseTo((10065 * 0.3 + meta.usage.completion_tokens * 2.5) / 1e6, 12);

    const summary = readJson<SendResult>(path.join(dir, "BATCH_SUMMARY.json"));
    expect(Object.keys(summary).slice(0, 6)).toEqual([
      "success",
      "files_processed",
      "files_succeeded",
      "total_cost",
      "average_cost_per_file",
      "results",
    ]);
    expect(summary.results[0]).toMatchObject({
      file_to_fix: "src/a.py",
      success: true,
      finish_reason: "STOP",
      request_file: `${result.output_dir}/request_1_a.md`,
      response_file: `${result.output_dir}/response_1_a.md`,
      meta_file: `${result.output_dir}/response_1_a.meta.json`,
      usage: { prompt_tokens: 10065, cached_tokens: 0, thinking_tokens: 0 },
      error: null,
    });
    expect(summary.total_cost).toBeCloseTo(summary.results[0]!.cost! + summary.results[1]!.cost!, 12);
    expect(summary.average_cost_per_file).toBeCloseTo(summary.total_cost / 2, 12);
    // Paths and figures only: no file contents in the result.
    expect(JSON.stringify(summary)).not.toContain("log.info('a', x=1)");
  });

  it("gives the fence a backtick more than the longest run inside the file, and says so in the request", async () => {
    const md = "Use ```code``` blocks, or ````four````.\n";
    const project = makeProject({ "docs/guide.md": md });
    const { client } = await useEmulator({
      script: [replyFor("docs/guide.md", { text: fixedReply("docs/guide.md", md, "`````") })],
    });
    const result = await runSend(project.options(), { client, clock: createManualClock() });
    const meta = readJson<FileMeta>(path.join(project.root, result.output_dir, "response_1_guide.meta.json"));
    expect(meta.fence).toBe("`````");
    expect(project.read(`${result.output_dir}/request_1_guide.md`)).toContain("The fence is 5 backticks (`````)");
    expect(result.success).toBe(true);
  });

  it("honours the retry delay a 429 carries, on the injected clock", async () => {
    const project = makeProject({ "src/a.py": A });
    const { emu, client } = await useEmulator({
      script: [replyFor("src/a.py", { text: fixedReply("src/a.py", FIXED_A) })],
      faults: [{ route: "generateContent", sequence: [{ kind: "429", retryDelay: "26s" }, "ok"] }],
    });
    const clock = createManualClock();
    const result = await runSend(project.options(), { client, clock });
    expect(result.success).toBe(true);
    expect(clock.slept).toContain(26_000);
    expect(emu.record.statuses.generateContent).toEqual({ "200": 1, "429": 1 });
    const meta = readJson<FileMeta>(path.join(project.root, result.output_dir, "response_1_a.meta.json"));
    expect(meta.attempts).toBe(2);
    expect(meta.retries).toMatchObject([
      { attempt: 1, kind: "rate_limit", status: 429, delay_ms: 26_000, server_delay: true },
    ]);
    const log = project
      .read(`${result.output_dir}/send_log.jsonl`)
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(log).toContain("rate_limited");
  });

  it("retries a 500 with backoff and then succeeds", async () => {
    const project = makeProject({ "src/a.py": A });
    const { emu, client } = await useEmulator({
      script: [replyFor("src/a.py", { text: fixedReply("src/a.py", FIXED_A) })],
      faults: [{ route: "generateContent", sequence: ["500", "ok"] }],
    });
    const clock = createManualClock();
    const result = await runSend(project.options(), { client, clock, retryPolicy: { baseDelayMs: 1_000 } });
    expect(result.success).toBe(true);
    expect(emu.record.statuses.generateContent).toEqual({ "200": 1, "500": 1 });
    expect(result.results[0]!.attempts).toBe(2);
    expect(clock.slept.length).toBe(1);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(500);
  });

  it("fails a file whose reply has no END marker, and one the model stopped for SAFETY, with the reason", async () => {
    const project = makeProject({ "src/a.py": A, "src/b.py": B });
    const { client } = await useEmulator({
      script: [
        replyFor("src/a.py", { text: `<!-- CODE_FILE_START: src/a.py -->\n\`\`\`python\n${FIXED_A}\`\`\`\n` }),
        replyFor("src/b.py", { finishReason: "SAFETY" }),
      ],
    });
    const result = await runSend(project.options(), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(1);
    expect(result.results.map((r) => [r.file_to_fix, r.success, r.truncated, r.finish_reason, r.error])).toEqual([
      [
        "src/a.py",
        false,
        false,
        "STOP",
        "the reply has no <!-- CODE_FILE_END: src/a.py --> marker after its start marker",
      ],
      ["src/b.py", false, false, "SAFETY", "the model did not finish the reply (SAFETY)"],
    ]);
  });

  it("fails only the file the API refuses (HTTP 400) and goes on with the others", async () => {
    const project = makeProject({ "src/a.py": A, "src/b.py": B });
    const { emu, client } = await useEmulator({
      script: [
        replyFor("src/a.py", { error: { code: 400, message: "Request contains an invalid argument." } }),
        replyFor("src/b.py", { text: fixedReply("src/b.py", FIXED_B) }),
      ],
    });
    const result = await runSend(project.options(), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(1);
    expect(result.stopped).toBeNull();
    expect(result.results.map((r) => [r.file_to_fix, r.success, r.response_file, r.error])).toEqual([
      ["src/a.py", false, null, "src/a.py: HTTP 400: Request contains an invalid argument."],
      ["src/b.py", true, `${result.output_dir}/response_2_b.md`, null],
    ]);
    expect(emu.record.counts.generateContent).toBe(2);
  });

  it("stops the run on a daily quota 429 (exit 3) and writes the summary of what finished", async () => {
    const project = makeProject({ "src/a.py": A, "src/b.py": B, "src/c.py": B });
    const { emu, client } = await useEmulator({
      script: [replyFor("src/a.py", { text: fixedReply("src/a.py", FIXED_A) })],
      faults: [{ route: "generateContent", sequence: ["ok", "daily_quota_429"] }],
    });
    const result = await runSend(project.options({ concurrency: 1 }), { client, clock: createManualClock() });
    expect(sendExitCode(result)).toBe(3);
    expect(result.stopped).toBe("api_error");
    expect(result.error).toMatchObject({ code: "API_QUOTA" });
    expect(result.results.map((r) => [r.file_to_fix, r.success])).toEqual([
      ["src/a.py", true],
      ["src/b.py", false],
    ]);
    expect(result.not_sent).toEqual([{ file_to_fix: "src/c.py", reason: "api_error" }]);
    expect(emu.record.counts.generateContent).toBe(2);
    expect(existsSync(path.join(project.root, result.output_dir, "BATCH_SUMMARY.json"))).toBe(true);
  });

  it("gives two runs in the same second their own directories", async () => {
    const project = makeProject({ "src/a.py": A });
    const { client } = await useEmulator({ script: [replyFor("src/a.py", { text: fixedReply("src/a.py", FIXED_A) })] });
    const clock = createManualClock();
    const [one, two] = await Promise.all([
      runSend(project.options(), { client, clock }),
      runSend(project.options(), { client, clock }),
    ]);
    expect(new Set([one.output_dir, two.output_dir]).size).toBe(2);
    expect([one.output_dir, two.output_dir].sort()[1]).toMatch(/_2$/);
    expect(readdirSync(path.join(project.root, "tmp")).filter((d) => d.startsWith("gemini_batch_"))).toHaveLength(2);
  });
});
