import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { applyCommand, scanAndFixCommand } from "@gembatch/apply/cli";
import { extractCommand } from "@gembatch/extract/cli";
import { reportCommand, scanCommand } from "@gembatch/report/cli";
import { sendCommand } from "@gembatch/send/cli";
import { submitCommand } from "@gembatch/submit/cli";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { exampleProject, gembatch, read, replyWith, writeTree } from "@gembatch/test-utils";
import { costsCommand, doctorCommand } from "@gembatch/cli";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connect, emulator, KEY } from "./session.js";

const sub = (name: string) => submitCommand.subcommands!.find((c) => c.name === name)!;

/** The schema each tool must publish: the command's own, imported from the command's package. */
const COMMAND_SCHEMAS: Record<string, z.ZodType> = {
  scan: scanCommand.schema,
  report: reportCommand.schema,
  send: sendCommand.schema,
  extract: extractCommand.schema,
  apply: applyCommand.schema,
  "scan-and-fix": scanAndFixCommand.schema,
  submit: submitCommand.schema,
  "submit-status": sub("status").schema,
  "submit-download": sub("download").schema,
  "submit-collect": sub("collect").schema,
  "submit-cancel": sub("cancel").schema,
  costs: costsCommand.schema,
  doctor: doctorCommand.schema,
};

const NOTIFICATIONS = "orders/notifications.py";
const fixed = (root: string) =>
  read(root, NOTIFICATIONS).replace(
    'logger.bind(order_id=order.id).info("receipt sent")',
    'logger.info("receipt sent", order_id=order.id)',
  );

describe("gembatch mcp (built bin, SDK client over stdio)", () => {
  it("lists every command as a tool whose input schema is the command's own zod schema, with annotations that say what it does", async () => {
    const { client } = await connect(exampleProject(), null);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(COMMAND_SCHEMAS).sort());
    for (const tool of tools)
      expect(tool.inputSchema, tool.name).toEqual(z.toJSONSchema(COMMAND_SCHEMAS[tool.name]!, { io: "input" }));
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.send!.inputSchema.properties).toHaveProperty("max_cost");
    expect(byName.send!.inputSchema.properties).toHaveProperty("dry_run");
    expect(byName.send!.annotations).toMatchObject({
      openWorldHint: true,
      destructiveHint: false,
      readOnlyHint: false,
    });
    expect(byName.apply!.annotations).toMatchObject({ destructiveHint: true, openWorldHint: true });
    expect(byName["scan-and-fix"]!.annotations).toMatchObject({ destructiveHint: true, openWorldHint: true });
    expect(byName["submit-cancel"]!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.costs!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    for (const name of ["send", "scan-and-fix", "submit"]) expect(byName[name]!.description).toContain("SPENDS MONEY");
    for (const name of ["apply", "scan-and-fix"]) expect(byName[name]!.description).toContain("CHANGES SOURCE FILES");
    expect(byName.scan!.description).toContain("no cost");
  });

  it("scan: the result is the command's JSON result (the same document the CLI prints), plus a short text summary", async () => {
    const root = exampleProject();
    const { client } = await connect(root, null);
    const result = await client.callTool({ name: "scan", arguments: { rules: ["logger-bind"] } });
    expect(result.isError).toBeFalsy();
    const cli = await gembatch(root, ["scan", "--rules", "logger-bind", "--json"]);
    expect(result.structuredContent).toEqual({ ...JSON.parse(cli.stdout), duration_ms: expect.any(Number) as unknown });
    expect((result.structuredContent as { findings: unknown[] }).findings).toHaveLength(3);
    const [summary, json] = result.content as Array<{ type: string; text: string }>;
    expect(summary!.text).toContain("logger-bind");
    expect(JSON.parse(json!.text)).toEqual(result.structuredContent);
    expect(result._meta).toEqual({ "gembatch/exit_code": 0 });
  });

  it("never shows the key: a finding on a line that holds it comes back scrubbed", async () => {
    const root = exampleProject();
    writeTree(root, {
      "orders/leak.py": `from loguru import logger
logger.bind(key="${KEY}").info("x")
`,
    });
    const { client, stderr } = await connect(root, null);
    const result = await client.callTool({
      name: "scan",
      arguments: { rules: ["logger-bind"], paths: ["orders/leak.py"] },
    });
    expect(JSON.stringify(result.structuredContent)).toContain("logger.bind(");
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(stderr()).not.toContain(KEY);
  });

  it("a bad argument is a tool error with the command's code, message (naming the field) and hint; nothing runs", async () => {
    const root = exampleProject();
    const emu = await emulator();
    const { client } = await connect(root, emu);
    const bad = await client.callTool({
      name: "send",
      arguments: { issue_report_file: "tmp/issues/x.md", max_tokens: "lots" },
    });
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent).toMatchObject({
      success: false,
      error: {
        code: "BAD_INPUT",
        message: expect.stringMatching(/^max_tokens: /) as unknown,
        hint: "see gembatch send --help",
      },
    });
    expect((bad.content as Array<{ text: string }>)[0]!.text).toMatch(
      /^BAD_INPUT: max_tokens: .*\nhint: see gembatch send --help$/,
    );
    expect(bad._meta).toEqual({ "gembatch/exit_code": 2 });
    const unknown = await client.callTool({ name: "scan", arguments: { rule: ["logger-bind"] } });
    expect(unknown.structuredContent).toMatchObject({
      error: { code: "BAD_INPUT", message: 'rule: unknown key (did you mean "rules"?)' },
    });
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
  });

  it("refuses paths outside the project root it was started in, and a base_url from the caller", async () => {
    const root = exampleProject();
    const { client } = await connect(root, null);
    const outside = await client.callTool({ name: "scan", arguments: { paths: ["orders", "../"] } });
    expect(outside).toMatchObject({
      isError: true,
      structuredContent: {
        error: { code: "PATH_OUTSIDE_PROJECT", message: "paths[1]: outside the project root: ../" },
      },
    });
    const absolute = await client.callTool({
      name: "send",
      arguments: { issue_report_file: path.join(path.dirname(root), "report.md") },
    });
    expect(absolute.structuredContent).toMatchObject({
      error: {
        code: "PATH_OUTSIDE_PROJECT",
        message: expect.stringMatching(/^issue_report_file: outside the project root/) as unknown,
      },
    });
    const results = await client.callTool({
      name: "submit-collect",
      arguments: { work_dir: "batches", results_dir: "../../elsewhere" },
    });
    expect(results.structuredContent).toMatchObject({
      error: { code: "PATH_OUTSIDE_PROJECT", message: "results_dir: outside the project root: ../../elsewhere" },
    });
    const doctor = await client.callTool({
      name: "doctor",
      arguments: { base_url: "https://collector.invalid/", skip_api_call: true },
    });
    expect(doctor.structuredContent).toMatchObject({
      error: { code: "BAD_INPUT", message: expect.stringMatching(/^base_url: not accepted over MCP/) as unknown },
    });
    expect(
      (await client.callTool({ name: "scan", arguments: { paths: ["."], rules: ["logger-bind"] } })).isError,
    ).toBeFalsy();
  });

  it("--max-cost caps every call that spends money: more is refused, none given means the cap (or the config's, if lower)", async () => {
    const root = exampleProject();
    const emu = await emulator();
    const { client, stderr } = await connect(root, emu, {}, ["--max-cost", "0.25"]);
    const args = { issue_report_file: "tmp/issues/fix.md", files_to_fix: [NOTIFICATIONS], dry_run: true };
    writeTree(root, {
      "tmp/issues/fix.md": `# Issue Report: x\n\n## Context\nx\n\n## Files to Fix\n1. ${NOTIFICATIONS}\n\n## Issue Details\nFix it.\n`,
    });
    const over = await client.callTool({ name: "send", arguments: { ...args, max_cost: 5 } });
    expect(over.structuredContent).toMatchObject({
      error: { code: "BAD_INPUT", message: "max_cost: 5 is above this server's cap of 0.25 USD" },
    });
    const defaulted = await client.callTool({ name: "send", arguments: args });
    expect(defaulted.structuredContent).toMatchObject({ budget: { max_cost: 0.25 } });
    const lower = await client.callTool({ name: "send", arguments: { ...args, max_cost: 0.1 } });
    expect(lower.structuredContent).toMatchObject({ budget: { max_cost: 0.1 } });
    writeTree(root, {
      "gembatch.config.json": JSON.stringify({ ...JSON.parse(read(root, "gembatch.config.json")), max_cost: 0.05 }),
    });
    expect((await client.callTool({ name: "send", arguments: args })).structuredContent).toMatchObject({
      budget: { max_cost: 0.05 },
    });
    expect((await client.callTool({ name: "scan", arguments: { rules: ["logger-bind"] } })).isError).toBeFalsy();
    expect(stderr()).toContain("at most $0.25 a call");
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
  });

  it("scan-and-fix: a dry run sends nothing and changes nothing; the real one fixes the file against the emulator", async () => {
    const root = exampleProject();
    const before = read(root, NOTIFICATIONS);
    const emu = await emulator({
      script: [
        { match: { text: `FILE TO FIX: ${NOTIFICATIONS}` }, reply: { text: replyWith(NOTIFICATIONS, fixed(root)) } },
      ],
    });
    const { client } = await connect(root, emu);
    const args = { paths: [NOTIFICATIONS], rules: ["logger-bind"] };
    const dry = await client.callTool({ name: "scan-and-fix", arguments: { ...args, dry_run: true } });
    expect(dry.isError).toBeFalsy();
    expect(dry.structuredContent).toMatchObject({ dry_run: true, files_found: 1 });
    expect(emu.record.counts.generateContent ?? 0).toBe(0);
    expect(read(root, NOTIFICATIONS)).toBe(before);

    const progress: Progress[] = [];
    const real = await client.callTool({ name: "scan-and-fix", arguments: args }, undefined, {
      onprogress: (p) => void progress.push(p),
    });
    expect(real.isError).toBeFalsy();
    expect(real.structuredContent).toMatchObject({ success: true, files_fixed: 1, files_failed: 0 });
    expect(real._meta).toEqual({ "gembatch/exit_code": 0 });
    expect(emu.record.counts.generateContent).toBe(1);
    expect(read(root, NOTIFICATIONS)).not.toContain("logger.bind");
    expect(JSON.stringify(real)).not.toContain(KEY);
    // Its send reports through the same listener as the send tool's.
    expect(progress.at(-1)).toMatchObject({
      progress: 1,
      total: 1,
      message: expect.stringMatching(/^send 1\/1/) as unknown,
    });
  });

  it("submit, then submit-status, submit-download and submit-collect, against the emulator's Batch API", async () => {
    const root = exampleProject();
    const rows = (f: number) =>
      [1, 2]
        .map((r) =>
          JSON.stringify({
            key: `b${f}-r${r}`,
            request: { contents: [{ role: "user", parts: [{ text: `question ${f}.${r}` }] }] },
          }),
        )
        .join("\n");
    writeTree(root, { "batches/batch_001.jsonl": `${rows(1)}\n`, "batches/batch_002.jsonl": `${rows(2)}\n` });
    const emu = await emulator({ timeScale: 10_000 });
    const { client } = await connect(root, emu);
    const progress: Progress[] = [];
    const submitted = await client.callTool({ name: "submit", arguments: { dir: "batches" } }, undefined, {
      onprogress: (p) => void progress.push(p),
    });
    expect(submitted.isError).toBeFalsy();
    expect(submitted.structuredContent).toMatchObject({ success: true, total_batches: 2 });
    expect(emu.record.counts["batches.create"]).toBe(2);
    expect(progress.map((p) => `${p.progress}/${p.total}`)).toEqual(["0/2", "1/2", "2/2"]);
    expect(existsSync(path.join(root, "batch_submission_state.json"))).toBe(true);

    const status = await client.callTool({ name: "submit-status", arguments: {} });
    expect(status.isError).toBeFalsy();
    expect(JSON.stringify(status.structuredContent)).toContain("SUCCEEDED");
    const downloaded = await client.callTool({ name: "submit-download", arguments: {} });
    expect(downloaded.structuredContent).toMatchObject({ success: true });
    const collected = await client.callTool({ name: "submit-collect", arguments: {} });
    expect(collected.isError).toBeFalsy();
    expect(collected.structuredContent).toMatchObject({ success: true, results: 4, missing_keys: [], failed_keys: [] });
    expect(
      readFileSync(path.join(root, "gemini_batch_results", "collected_results.jsonl"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(4);
  });
});
