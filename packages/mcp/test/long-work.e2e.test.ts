import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { gembatch, tempTree, waitFor } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { connect, emulator, KEY } from "./session.js";

/** The parts of a send run's BATCH_SUMMARY.json these tests read. */
interface BatchSummary {
  results: Array<{ file_to_fix: string; success: boolean }>;
}

const FILES = ["src/a.py", "src/b.py", "src/c.py"];
const REPORT = "tmp/issues/fix_x.md";

/** What a raw client writes before its first call: initialize, then initialized. */
const HANDSHAKE = [
  {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
];

function project(): string {
  return tempTree({
    ".git/HEAD": "ref: refs/heads/main\n",
    ...Object.fromEntries(FILES.map((f) => [f, "x = 1\n"])),
    [REPORT]: `# Issue Report: x\n\n## Files to Fix\n${FILES.map((f, i) => `${i + 1}. ${f}`).join("\n")}\n\n## Issue Details\nSet x to 2.\n`,
  });
}

const reply = (file: string) =>
  `<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\nx = 2\n\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`;
const answer = (file: string, extra: Record<string, unknown> = {}) => ({
  match: { text: `FILE TO FIX: ${file}` },
  reply: { text: reply(file), ...extra },
});

/** src/b.py's first request hangs (long enough to be cancelled); every later request is answered at once. */
const script = [
  answer("src/a.py"),
  { ...answer("src/b.py", { delayMs: 120_000 }), times: 1 },
  answer("src/b.py"),
  answer("src/c.py"),
];

type Emu = Awaited<ReturnType<typeof emulator>>;
/** Requests answered for a file (a request is recorded when its reply is sent). */
const answeredFor = (emu: Emu, file: string) =>
  emu.record.generate.filter((g) => g.prompt.includes(`FILE TO FIX: ${file}`)).length;
/** Requests received, answered or not. */
const received = (emu: Emu) => emu.record.counts.generateContent ?? 0;

describe("long work over MCP: progress notifications and cancellation (built bin)", () => {
  it("a cancelled send saves its run like Ctrl-C does, reports progress, and resume: true finishes it without asking again", async () => {
    const root = project();
    const emu = await emulator({ script });
    const session = await connect(root, emu);
    const args = { issue_report_file: REPORT, files_to_fix: FILES, output_dir: "tmp/run", concurrency: 1 };
    const progress: Progress[] = [];
    const controller = new AbortController();
    const call = session.client.callTool({ name: "send", arguments: args }, undefined, {
      signal: controller.signal,
      onprogress: (p) => void progress.push(p),
    });
    // concurrency 1: a.py first, then b.py, whose reply hangs.
    await waitFor(
      () => progress.some((p) => p.progress >= 1) && received(emu) === 2,
      "a.py answered and b.py's request out",
    );
    controller.abort("the user pressed stop");
    await expect(call).rejects.toThrow();

    // The server carries on until the command has saved the run (the summary says what is left), then serves on.
    const summaryFile = path.join(root, "tmp/run/BATCH_SUMMARY.json");
    await waitFor(
      () => existsSync(summaryFile) && /interrupted/.test(readFileSync(summaryFile, "utf8")),
      "the interrupted run's summary",
    );
    const saved = JSON.parse(readFileSync(summaryFile, "utf8")) as BatchSummary;
    expect(saved.results.filter((r) => r.success).map((r) => r.file_to_fix)).toEqual(["src/a.py"]);
    expect(progress[0]).toMatchObject({ progress: 0, total: 3 });
    expect(progress.at(-1)).toMatchObject({
      progress: 1,
      total: 3,
      message: expect.stringMatching(/^send 1\/3/) as unknown,
    });

    const resumedProgress: Progress[] = [];
    const resumed = await session.client.callTool({ name: "send", arguments: { ...args, resume: true } }, undefined, {
      onprogress: (p) => void resumedProgress.push(p),
    });
    expect(resumed.isError).toBeFalsy();
    expect(resumed.structuredContent).toMatchObject({ success: true, files_processed: 3, files_succeeded: 3 });
    expect(received(emu)).toBe(4);
    expect(answeredFor(emu, "src/a.py")).toBe(1);
    expect(answeredFor(emu, "src/b.py")).toBe(1);
    expect(answeredFor(emu, "src/c.py")).toBe(1);
    expect(resumedProgress.map((p) => p.progress)).toEqual([0, 1, 2]);
    expect(resumedProgress.every((p) => p.total === 2)).toBe(true);
    expect(session.transportErrors).toEqual([]);
    expect(session.stderr()).not.toContain(KEY);
  });

  it("SIGINT to the server stops a call in flight the same way: its answer says interrupted (exit 130), the state is saved, the server exits 130", async () => {
    const root = project();
    const emu = await emulator({ script });
    const session = await connect(root, emu);
    const call = session.client.callTool({
      name: "send",
      arguments: { issue_report_file: REPORT, files_to_fix: FILES, output_dir: "tmp/run", concurrency: 1 },
    });
    await waitFor(() => received(emu) === 2, "b.py's request out");
    // The SDK keeps the server process in a private field, which its type declarations leave untyped.
    const server = (session.transport as unknown as { _process?: ChildProcess })._process;
    const exited = new Promise<number | null>((resolve) =>
      server?.once("exit", (code: number | null) => resolve(code)),
    );
    process.kill(session.transport.pid!, "SIGINT");
    const result = await call;
    // The same answer `gembatch send --json` gives to Ctrl-C: its result, stopped: interrupted, exit 130.
    expect(result).toMatchObject({
      structuredContent: { success: false, stopped: "interrupted" },
      _meta: { "gembatch/exit_code": 130 },
    });
    expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(/^exit 130: /);
    expect(await exited).toBe(130);
    expect(
      (JSON.parse(readFileSync(path.join(root, "tmp/run/BATCH_SUMMARY.json"), "utf8")) as BatchSummary).results.some(
        (r) => r.file_to_fix === "src/a.py" && r.success,
      ),
    ).toBe(true);
  });

  it("a client that closes stdin stops the server at once: the call in flight is interrupted, answered and saved", async () => {
    const root = project();
    const emu = await emulator({ script });
    const lines = [
      ...HANDSHAKE,
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: {
          name: "send",
          arguments: { issue_report_file: REPORT, files_to_fix: FILES, output_dir: "tmp/run", concurrency: 1 },
        },
      },
    ];
    const child = gembatch(root, ["mcp"], { GEMINI_API_KEY: KEY, GEMBATCH_BASE_URL: emu.url });
    child.stdin.write(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    await waitFor(() => received(emu) === 2, "b.py's request out"); // b.py's reply would take two minutes
    child.stdin.end();
    const run = await child;
    expect(run.exitCode).toBe(0);
    const answer = run.stdout
      .split("\n")
      .map((l) => JSON.parse(l) as { id?: number; result?: unknown })
      .find((m) => m.id === 2);
    expect(answer?.result).toMatchObject({
      structuredContent: { stopped: "interrupted" },
      _meta: { "gembatch/exit_code": 130 },
    });
    expect(
      (JSON.parse(readFileSync(path.join(root, "tmp/run/BATCH_SUMMARY.json"), "utf8")) as BatchSummary).results.find(
        (r) => r.file_to_fix === "src/a.py",
      )?.success,
    ).toBe(true);
  });

  it("stdout carries protocol messages only: every line a JSON-RPC message, the log on stderr", async () => {
    const root = project();
    const lines = [
      ...HANDSHAKE,
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "scan", arguments: { paths: ["src"] } } },
      {
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "send", arguments: { issue_report_file: REPORT, files_to_fix: FILES, dry_run: true } },
      },
      { jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "nope", arguments: {} } },
    ];
    const run = await gembatch(
      root,
      ["mcp"],
      { GEMINI_API_KEY: KEY, GEMBATCH_BASE_URL: "http://127.0.0.1:9" },
      { input: `${lines.map((l) => JSON.stringify(l)).join("\n")}\n` },
    );
    expect(run.exitCode).toBe(0);
    const messages = run.stdout.split("\n").map(
      (line) =>
        JSON.parse(line) as {
          jsonrpc: string;
          id?: number;
          result?: { isError?: boolean };
          error?: { code: number };
        },
    );
    expect(messages.every((m) => m.jsonrpc === "2.0")).toBe(true);
    expect(messages.map((m) => m.id).sort()).toEqual([1, 2, 3, 4]);
    expect(messages.find((m) => m.id === 3)!.result!.isError).toBeFalsy();
    expect(messages.find((m) => m.id === 4)!.error!.code).toBe(-32602);
    expect(run.stderr).toContain("gembatch mcp: serving 13 tools in");
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  });
});
