import { readFileSync } from "node:fs";
import path from "node:path";
import type { GoogleGenAI } from "@google/genai";
import type { Emulator, EmulatorOptions } from "@gembatch/emulator";
import { projectDir, useEmulatorClient, writeTree } from "@gembatch/test-utils";
import type { SendOptions } from "../../src/types.js";

export const API_KEY = "send-test-key";
export const MODEL = "gemini-2.5-flash";

export const useEmulator = (options: EmulatorOptions = {}): Promise<{ emu: Emulator; client: GoogleGenAI }> =>
  useEmulatorClient(API_KEY, options);

export interface Project {
  root: string;
  report: string;
  reportFile: string;
  files: Record<string, string>;
  read(relative: string): string;
  options(overrides?: Partial<SendOptions>): SendOptions;
}

/**
 * A project in a temp dir with the given files and an issue report holding all of them in
 * CODE_CONTEXT blocks; `padding` characters of extra issue detail make the report as large as a test needs.
 */
export function makeProject(files: Record<string, string>, options: { padding?: number } = {}): Project {
  const root = projectDir(files);
  const context = Object.entries(files)
    .map(
      ([file, content]) =>
        `<!-- CODE_CONTEXT_START: ${file} -->\n\`\`\`python\n${content}\`\`\`\n<!-- CODE_CONTEXT_END: ${file} -->`,
    )
    .join("\n\n");
  const detail = "Replace logger.bind() with structured keyword arguments. "
    .repeat(Math.ceil((options.padding ?? 0) / 58))
    .slice(0, options.padding ?? 0);
  const report = [
    "# Issue Report: logger bind",
    "",
    "## Context",
    "- **Project**: demo",
    "- **Task**: Fix specific issues",
    "- **Status**: BLOCKED - Issues need fixing",
    "",
    "## Files to Fix",
    ...Object.keys(files).map((f, i) => `${i + 1}. ${f}`),
    "",
    "## Issue Details",
    `logger.bind() is deprecated. ${detail}`,
    "",
    "## All Context Files (For Reference)",
    "",
    context,
    "",
  ].join("\n");
  const reportFile = path.join(root, "tmp", "issues", "fix_logger_bind.md");
  writeTree(root, { "tmp/issues/fix_logger_bind.md": report });
  return {
    root,
    report,
    reportFile,
    files,
    read: (relative) => readFileSync(path.join(root, relative), "utf8"),
    options: (overrides = {}) => ({
      issueReportFile: "tmp/issues/fix_logger_bind.md",
      filesToFix: Object.keys(files),
      model: MODEL,
      maxTokens: 7500,
      temperature: 0.2,
      cwd: root,
      projectRoot: root,
      tmpDir: path.join(root, "tmp"),
      ...overrides,
    }),
  };
}

/** A reply in the shape the request asks for. */
export function fixedReply(file: string, content: string, fence = "```"): string {
  return `Here is the fix.\n\n<!-- CODE_FILE_START: ${file} -->\n${fence}python\n${content}${fence}\n<!-- CODE_FILE_END: ${file} -->\n`;
}

/** The emulator's script entry answering one file's request (matched by its per-file header line). */
export function replyFor(file: string, reply: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { match: { text: `FILE TO FIX: ${file}` }, reply, ...extra };
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/**
 * The test model (gemini-2.5-flash) shuts down on 2026-12-01, so every run warns about it; tests of
 * other warnings leave that one out.
 */
export function isRetirementNotice(message: string): boolean {
  return / shuts down on \d{4}-\d{2}-\d{2} /.test(message);
}
