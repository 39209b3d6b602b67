import { existsSync } from "node:fs";
import path from "node:path";
import type { PlannedFile } from "./inputs.js";
import type { readSendMetas } from "./run-files.js";
import { resultFromMeta } from "./send-file.js";
import type { FileMeta, FileResult, NotSent } from "./types.js";

/** Files an earlier run in this directory answered with the file unchanged since; the rest are to send. */
export function splitAnswered(
  planned: PlannedFile[],
  runDir: string,
  previous: ReturnType<typeof readSendMetas>,
  options: { projectRoot: string; reportSha: string; warn: (m: string) => void },
) {
  const { projectRoot, warn } = options;
  const answered: FileResult[] = [];
  const pending: PlannedFile[] = [];
  for (const file of planned) {
    const meta = previous.get(file.file);
    const whole = meta?.success && meta.response_file !== null && existsSync(path.join(runDir, meta.response_file));
    if (meta && whole && meta.sha256_sent === file.sha256) {
      if (meta.report_sha256 !== options.reportSha)
        warn(
          `the issue report changed since ${file.file} was answered; keeping that answer (use a new output_dir to ask again)`,
        );
      answered.push(resultFromMeta({ runDir, projectRoot }, meta, true));
    } else {
      if (meta && whole) warn(`${file.file} changed since it was answered; sending it again`);
      pending.push(file);
    }
  }
  return { answered, pending };
}

/**
 * The rows of the whole run directory, not just this pass: a resume may name only some of the files,
 * and the summary is rewritten each pass, so rows of files answered earlier must be carried over (as
 * `resumed`) or they would vanish from it and from its totals. A file this pass meant to send but did not
 * keeps only its not_sent entry: its earlier answer was set aside (failed or stale), so it is not shown as one.
 */
export function runRows(
  earlier: Map<string, FileMeta>,
  sent: FileResult[],
  notSent: NotSent[],
  dirs: { runDir: string; projectRoot: string },
): FileResult[] {
  const rows = new Map<string, FileResult>();
  for (const meta of earlier.values()) rows.set(meta.file_to_fix, resultFromMeta(dirs, meta, true));
  for (const entry of notSent) rows.delete(entry.file_to_fix);
  for (const row of sent) rows.set(row.file_to_fix, row);
  return [...rows.values()];
}
