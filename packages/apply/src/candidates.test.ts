import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { loadIssueReport } from "./apply-inputs.js";
import { readExtraction } from "./candidates.js";

/** A meta as send writes it: apply reads it with send's schema, so a partial one would not count. */
const meta = (file: string) =>
  JSON.stringify({
    n: 1,
    file_to_fix: file,
    success: true,
    finish_reason: "STOP",
    truncated: false,
    error: null,
    sha256_sent: "0".repeat(64),
    report_sha256: "1".repeat(64),
    fence: "```",
    language: "python",
    model: "gemini-2.5-flash",
    model_version: null,
    via: "sync",
    cached_content: null,
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cached_tokens: 0, thinking_tokens: 0 },
    cost: null,
    cost_without_cache: null,
    attempts: 1,
    retries: [],
    duration_ms: 1,
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:00:00.001Z",
    continuations: 0,
    request_file: "request_1_a.md",
    response_file: "response_1_a.md",
    parts: [],
  });

describe("what apply reads from a run directory it does not trust", () => {
  it("a send run the extraction context names outside the project (and tmp dir) is not adopted", () => {
    const top = tempTree({
      "project/src/a.py": "a = 1\n",
      "elsewhere/response_1_a.md": "reply",
      "elsewhere/response_1_a.meta.json": meta("src/a.py"),
    });
    const root = path.join(top, "project");
    const extractedDir = path.join(root, "tmp/gemini_extracted_1");
    mkdirSync(extractedDir, { recursive: true });
    const context = (response: string) =>
      writeFileSync(
        path.join(extractedDir, "EXTRACTION_CONTEXT.json"),
        JSON.stringify({ files: [{ path: "src/a.py" }], refused: [], sources: [{ response_file: response }] }),
      );
    context(path.join(top, "elsewhere/response_1_a.md"));
    const outside = readExtraction({ extractedDir, cwd: root, projectRoot: root, tmpDir: path.join(root, "tmp") });
    expect(outside.sendRunDir).toBeNull();
    expect(outside.candidates.get("src/a.py")).toMatchObject({
      extractedDir,
      extracted: path.join(extractedDir, "src/a.py"),
    });
    expect(outside.candidates.get("src/a.py")?.sha256Sent).toBeUndefined();
    const viaTmp = readExtraction({ extractedDir, cwd: root, projectRoot: root, tmpDir: top });
    expect(viaTmp.sendRunDir).toBe(path.join(top, "elsewhere"));
    expect(viaTmp.candidates.get("src/a.py")?.sha256Sent).toBe("0".repeat(64));
  });

  it("an issue report a BATCH_SUMMARY.json names outside the project is not read", () => {
    const top = tempTree({
      "project/tmp/run/BATCH_SUMMARY.json": JSON.stringify({ issue_report_file: "../secret.md" }),
      "secret.md": "# Issue Report: x\n",
    });
    const root = path.join(top, "project");
    const warnings: string[] = [];
    const loaded = loadIssueReport({
      cwd: root,
      projectRoot: root,
      sendRunDir: path.join(root, "tmp/run"),
      warn: (m) => void warnings.push(m),
    });
    expect(loaded).toEqual({ report: null, file: null });
    expect(warnings[0]).toBe("BATCH_SUMMARY.json names an issue report outside the project (../secret.md); not read");
  });
});
