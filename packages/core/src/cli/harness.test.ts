import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ExitCode } from "../errors.js";
import { tempDir, captureIo } from "@gembatch/test-utils";
import { defineCommand } from "./define-command.js";
import { executeCommand } from "./execute.js";
import { runProgram, type ProgramSpec } from "./program.js";

/**
 * The project the test command runs in: its schema checks paths against it, as real commands check theirs against their
 * cwd.
 */
let projectDir = "";

function existingFile(description = "file") {
  return z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      const resolved = path.resolve(projectDir, value);
      if (!existsSync(resolved) || !statSync(resolved).isFile())
        ctx.addIssue({ code: "custom", message: `${description} not found: ${value}` });
    });
}

const sendLike = defineCommand({
  name: "send",
  summary: "test command shaped like send",
  options: [
    { key: "issue_report_file", type: "string", description: "report" },
    { key: "files_to_fix", type: "string[]", description: "files" },
    { key: "max_tokens", type: "number", description: "max tokens" },
    { key: "temperature", type: "number", description: "temperature" },
    { key: "cache", type: "boolean", negate: true, description: "no cache" },
  ],
  examples: ["send '{...}'"],
  schema: z
    .object({
      issue_report_file: existingFile("issue report"),
      files_to_fix: z.array(existingFile()).min(1),
      max_tokens: z.number().int().positive().default(7500),
      temperature: z.number().min(0).max(2).default(0.2),
      cache: z.boolean().default(true),
    })
    .strict(),
  run: (input, ctx) => Promise.resolve({ success: true, input, model: ctx.config.model }),
  renderText: (result) => `ok ${result.input.files_to_fix.length}`,
});

function program(): ProgramSpec {
  return {
    name: "gembatch",
    version: "0.0.0",
    description: "test",
    examples: [],
    commands: [{ name: "send", summary: "s", load: () => Promise.resolve(sendLike) }],
  };
}

function project(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "report.md"), "# Issue Report: x\n");
  writeFileSync(path.join(dir, "src/a.py"), "print(1)\n");
  writeFileSync(path.join(dir, "src/b.py"), "print(2)\n");
  projectDir = dir;
  return dir;
}

async function run(argv: string[], options: { stdin?: string; files?: Record<string, string> } = {}) {
  const cwd = project();
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(path.join(cwd, name), text);
  // No chdir: relative paths in the input are checked against the command's cwd, not the process's.
  const io = captureIo({ cwd, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  const code = await runProgram(program(), argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("one schema, two ways in", () => {
  it("accepts the JSON argument and applies the schema's defaults; stdout is one JSON document", async () => {
    const { code, out } = await run([
      "send",
      '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py", "src/b.py"]}',
    ]);
    expect(code).toBe(ExitCode.OK);
    expect(JSON.parse(out)).toMatchObject({
      success: true,
      input: { max_tokens: 7500, temperature: 0.2, cache: true, files_to_fix: ["src/a.py", "src/b.py"] },
      model: "gemini-flash-latest",
    });
  });

  it("accepts the same input as kebab-case flags, with --no-cache and numbers", async () => {
    const { code, out } = await run([
      "send",
      "--issue-report-file",
      "report.md",
      "--files-to-fix",
      "src/a.py",
      "src/b.py",
      "--max-tokens",
      "8000",
      "--no-cache",
    ]);
    expect(code).toBe(ExitCode.OK);
    expect(out).toBe("ok 2\n");
    const json = await run([
      "send",
      "--json",
      "--issue-report-file",
      "report.md",
      "--files-to-fix",
      "src/a.py",
      "--max-tokens",
      "8000",
      "--no-cache",
    ]);
    expect((JSON.parse(json.out) as { input: unknown }).input).toMatchObject({ max_tokens: 8000, cache: false });
  });

  it("reads @file.json and - (stdin)", async () => {
    const args = '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py"]}';
    expect((await run(["send", "@args.json"], { files: { "args.json": args } })).code).toBe(0);
    expect((await run(["send", "-"], { stdin: args })).code).toBe(0);
  });
});

describe("an input object already parsed (an MCP tool call)", () => {
  it("goes through the same schema, renders text, and hands the command the progress listener", async () => {
    const io = captureIo({ cwd: project() });
    const updates: unknown[] = [];
    const outcome = await executeCommand(
      sendLike,
      { positionals: [], flags: {}, input: { issue_report_file: "report.md", files_to_fix: ["src/a.py"] } },
      { ...io, onProgress: (u) => updates.push(u) },
    );
    expect(outcome.result).toMatchObject({ success: true, input: { max_tokens: 7500 } });
    expect(io.out()).toBe("ok 1\n");
    const withListener: typeof sendLike = {
      ...sendLike,
      name: "tells",
      run(input, ctx) {
        ctx.onProgress?.({ progress: 1, total: 2, message: "half" });
        return Promise.resolve({ success: true, input, model: "" });
      },
    };
    await executeCommand(
      withListener,
      { positionals: [], flags: {}, input: { issue_report_file: "report.md", files_to_fix: ["src/a.py"] } },
      { ...io, onProgress: (u) => updates.push(u) },
    );
    expect(updates).toEqual([{ progress: 1, total: 2, message: "half" }]);
    const bad = await executeCommand(
      sendLike,
      {
        positionals: [],
        flags: {},
        input: { issue_report_file: "report.md", files_to_fix: ["src/a.py"], max_tokens: -1 },
      },
      io,
    );
    expect(bad.error).toMatchObject({ code: "BAD_INPUT", message: expect.stringMatching(/^max_tokens: /) as unknown });
  });
});

describe("malformed input: exit 2, one line naming the field, no stack trace", () => {
  const cases: Array<[string, string[], RegExp, { stdin?: string; files?: Record<string, string> }?]> = [
    ["not JSON", ["send", '{"files_to_fix": ['], /^JSON argument: not valid JSON/],
    ["a JSON array", ["send", '["src/a.py"]'], /^JSON argument: expected a JSON object, got an array/],
    [
      "wrong type",
      ["send", '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py"], "max_tokens": "many"}'],
      /^max_tokens: expected number, received string/,
    ],
    [
      "unknown key",
      ["send", '{"issue_report_file": "report.md", "files_to_fx": ["src/a.py"]}'],
      /files_to_fx: unknown key \(did you mean "files_to_fix"\?\)/,
    ],
    ["missing required", ["send", '{"files_to_fix": ["src/a.py"]}'], /^issue_report_file: required/],
    [
      "missing file in a list",
      ["send", '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py", "src/b.py", "src/x.py"]}'],
      /^files_to_fix\[2\]: file not found: src\/x\.py$/,
    ],
    ["@file missing", ["send", "@nope.json"], /^nope\.json: JSON argument file file not found/],
    ["@ without a name", ["send", "@"], /^@: missing file name/],
    ["stdin empty", ["send", "-"], /^stdin: empty input/, { stdin: "" }],
    [
      "bad number flag",
      ["send", "--issue-report-file", "report.md", "--files-to-fix", "src/a.py", "--max-tokens", "abc"],
      /^max_tokens: expected number, received string/,
    ],
    [
      "out of range",
      ["send", '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py"], "temperature": 5}'],
      /^temperature: Too big/,
    ],
    ["empty list", ["send", '{"issue_report_file": "report.md", "files_to_fix": []}'], /^files_to_fix: Too small/],
    [
      "argument after JSON",
      ["send", '{"issue_report_file": "report.md"}', "extra"],
      /^unexpected argument "extra" after the JSON argument/,
    ],
    ["unknown flag", ["send", "--frobnicate"], /unknown option '--frobnicate'/],
    [
      "bad config key",
      ["send", '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py"]}'],
      /^gembatch\.config\.json: modle: unknown key \(did you mean "model"\?\)/,
      { files: { "gembatch.config.json": '{"modle": "x"}' } },
    ],
    [
      "config not JSON",
      ["send", '{"issue_report_file": "report.md", "files_to_fix": ["src/a.py"]}'],
      /^gembatch\.config\.json: not valid JSON/,
      { files: { "gembatch.config.json": "{model:" } },
    ],
  ];

  it.each(cases)("%s", async (_name, argv, pattern, options) => {
    const { code, out, err } = await run(argv, options);
    expect(code).toBe(ExitCode.BAD_INPUT);
    const errorLines = err.split("\n").filter((l) => l.includes("error:"));
    expect(errorLines).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
    const message = errorLines[0]!.replace(/^gembatch( send)?: error: /, "");
    expect(message).toMatch(pattern);
    if (argv.some((a) => a.startsWith("{") || a.startsWith("@") || a === "-")) {
      const doc: unknown = JSON.parse(out);
      expect(doc).toMatchObject({
        success: false,
        error: { code: expect.any(String) as unknown, message: expect.stringMatching(pattern) as unknown },
      });
    }
  });
});

describe("interrupts", () => {
  it("lets a command save its state, then exits 130 with a JSON error", async () => {
    const cwd = project();
    const saved: string[] = [];
    const slow = defineCommand({
      name: "slow",
      summary: "waits for a signal",
      options: [],
      examples: [],
      schema: z.object({}).strict(),
      async run(_input, ctx) {
        await new Promise<void>((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => {
            saved.push("state");
            reject(ctx.signal.reason);
          }),
        );
        return { success: true };
      },
      renderText: () => "",
    });
    const controller = new AbortController();
    const io = captureIo({ cwd, signal: controller.signal });
    const pending = runProgram(
      { ...program(), commands: [{ name: "slow", summary: "", load: () => Promise.resolve(slow) }] },
      ["slow", "--json"],
      io,
    );
    setTimeout(() => controller.abort(new DOMException("SIGINT received", "AbortError")), 20);
    expect(await pending).toBe(ExitCode.INTERRUPTED);
    expect(saved).toEqual(["state"]);
    expect(JSON.parse(io.out())).toMatchObject({ success: false, error: { code: "INTERRUPTED" } });
  });
});
