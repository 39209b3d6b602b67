import path from "node:path";
import type { Emulator } from "@gembatch/emulator";
import { resolveGenerationSettings } from "@gembatch/core";
import { runExtract } from "@gembatch/extract";
import { buildReport, writeReport } from "@gembatch/report";
import { runSend } from "@gembatch/send";
import { tempTree } from "@gembatch/test-utils";
import { answer, answerRetry, MODEL } from "./helpers/example.js";
import { emulatorDeps, useEmulator } from "./helpers/harness.js";
import { runApply } from "../src/run-apply.js";
import type { ApplyResult } from "../src/types.js";

export interface RetryCase {
  /** The project, file by file. */
  files: Record<string, string>;
  /** The file being fixed; the project holds its working version. */
  target: string;
  /** What the first reply puts in its place: a change that breaks the checks. */
  broken: string;
  verify: string;
  verifyTimeoutMs?: number;
}

export interface RetryOutcome {
  root: string;
  emu: Emulator;
  result: ApplyResult;
  /** The retry request, as the emulator received it. */
  prompt: string;
}

/**
 * The fix loop on a small project with the real packages: a report for `target`, a first reply that
 * breaks it, apply with the verify command (which fails), and the retry request that carries the
 * evidence. The retry's reply is the file unchanged, so the run ends there.
 */
export async function retryRequestFor(input: RetryCase): Promise<RetryOutcome> {
  const root = tempTree(input.files);
  const original = input.files[input.target]!;
  const emu = await useEmulator({ script: [answerRetry(input.target, original), answer(input.target, input.broken)] });
  const built = buildReport({
    root,
    cwd: root,
    issue: "evidence",
    filesToFix: [input.target],
    details: "Fix the file.",
    project: "evidence",
    task: "Fix the file",
    tokenLimit: { limit: 1_000_000, source: "test" },
  });
  const reportFile = path.join(root, "tmp", "issues", "fix_evidence.md");
  await writeReport(reportFile, built.text);
  const tmpDir = path.join(root, "tmp");
  const sent = await runSend(
    {
      issueReportFile: reportFile,
      filesToFix: [input.target],
      model: MODEL,
      maxTokens: 8192,
      cwd: root,
      projectRoot: root,
      tmpDir,
    },
    emulatorDeps(emu),
  );
  await runExtract({ markdownFile: path.join(root, sent.output_dir), cwd: root, projectRoot: root, tmpDir });
  const result = await runApply(
    {
      cwd: root,
      projectRoot: root,
      tmpDir,
      runDir: sent.output_dir,
      verify: [input.verify],
      verifyTimeoutMs: input.verifyTimeoutMs ?? 120_000,
      maxAttempts: 2,
      diffOnly: false,
      resume: false,
      escalate: false,
      escalationModel: "gemini-2.5-pro",
      commit: false,
      allowDirty: false,
      settings: resolveGenerationSettings({ max_tokens: 8192 }, { model: MODEL }),
    },
    emulatorDeps(emu),
  );
  const retry = emu.record.generate.find((g) => g.prompt.includes("Previous attempt failed"));
  if (!retry) throw new Error(`no retry request was sent: ${JSON.stringify(result.files[0])}`);
  return { root, emu, result, prompt: retry.prompt };
}

/** The part of the retry request that holds the evidence (the rest is the issue and the files). */
export function evidenceSection(prompt: string): string {
  const start = prompt.indexOf("The error, trimmed to what matters:");
  if (start === -1) throw new Error("the retry request has no error section");
  return prompt.slice(start, prompt.indexOf("Fix `", start));
}
