import path from "node:path";
import type { Emulator } from "@gembatch/emulator";
import { runExtract } from "@gembatch/extract";
import { buildReport, writeReport } from "@gembatch/report";
import { runSend } from "@gembatch/send";
import { MODEL } from "./example.js";
import { emulatorDeps } from "./harness.js";

export const LOGGER_BIND_DETAILS =
  "Rule `logger-bind` (warning): Deprecated logger.bind(...) call.\n\nPass the context as keyword arguments of the log call.";

/** Steps 2–4 with the real packages: a report for `files`, one request each to the emulator, the replies extracted. */
export async function sendAndExtract(
  root: string,
  emu: Emulator,
  files: string[],
): Promise<{ runDir: string; extractedDir: string; reportFile: string }> {
  const built = buildReport({
    root,
    cwd: root,
    issue: "logger_bind",
    filesToFix: files,
    details: LOGGER_BIND_DETAILS,
    project: "python-service",
    task: "Fix every `logger-bind` finding in the files to fix",
    tokenLimit: { limit: 1_000_000, source: "test" },
  });
  const reportFile = path.join(root, "tmp", "issues", "fix_logger_bind.md");
  await writeReport(reportFile, built.text);
  const sent = await runSend(
    {
      issueReportFile: reportFile,
      filesToFix: files,
      model: MODEL,
      maxTokens: 8192,
      cwd: root,
      projectRoot: root,
      tmpDir: path.join(root, "tmp"),
    },
    emulatorDeps(emu),
  );
  const extracted = await runExtract({
    markdownFile: path.join(root, sent.output_dir),
    cwd: root,
    projectRoot: root,
    tmpDir: path.join(root, "tmp"),
  });
  return { runDir: sent.output_dir, extractedDir: extracted.output_dir ?? "", reportFile };
}
