import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomically } from "@gembatch/core";
import type { Candidate } from "./candidates.js";
import { backupFile, restoreFile, writeWhole, type Backup } from "./backup.js";
import { sha256Bytes, sha256Text } from "./hash.js";
import { fileKey } from "./paths.js";
import { unifiedDiff, writePatch } from "./patch.js";
import { checkFindingGone, type FindingCheck, type RuleChecker } from "./rescan.js";
import type { AttemptRecord, FileState } from "./state.js";
import { trimOutput } from "./verify/trim.js";
import { verifyReport, type LoggedRun, type Verifier, type VerifyReport } from "./verify/verifier.js";

export interface AttemptEnv {
  projectRoot: string;
  runDir: string;
  verifier: Verifier;
  checker: RuleChecker | null;
  diffOnly: boolean;
  signal?: AbortSignal;
  show(absolute: string): string;
  /** Persist the file's state; called before and after the file is written. */
  save(): Promise<void>;
  warn(message: string): void;
}

export interface AttemptResult {
  record: AttemptRecord;
  /** Interrupted before it finished: the original is back, the attempt is to be made again. */
  interrupted?: boolean;
}

const EMPTY_VERIFY: VerifyReport = { before: [], after: [], new_failures: [] };

/** The backup recorded in the state (its path is stored relative to the project root). */
export function backupOf(projectRoot: string, file: FileState): Backup | null {
  if (!file.backup_file || !file.original_sha256 || file.original_mode === null) return null;
  return { file: path.resolve(projectRoot, file.backup_file), sha256: file.original_sha256, mode: file.original_mode };
}

/** Put the original back and record that nothing unconfirmed is on disk any more. */
export async function rollback(env: AttemptEnv, file: FileState): Promise<void> {
  const backup = backupOf(env.projectRoot, file);
  if (backup) await restoreFile(path.join(env.projectRoot, file.path), backup);
  file.phase = "pending";
  file.written_sha256 = null;
  await env.save();
}

function findingError(check: FindingCheck): { error: string; details: string } {
  if (check.remaining.length === 0) {
    return { error: "a gembatch-ignore comment hides the finding instead of fixing it", details: "The fixed file silences the rule with a gembatch-ignore comment; the code itself must change." };
  }
  const first = check.remaining[0]!;
  const lines = check.remaining.slice(0, 20).map((f) => `${f.file}:${f.line}:${f.column}: ${f.rule}: ${f.message}\n    ${f.context.line.trim()}`);
  return {
    error: `the finding is still there: ${first.rule} at line ${first.line} (${first.match})`,
    details: [`The fixed file still has ${check.remaining.length} finding(s) of the rule it was sent to fix:`, "", ...lines].join("\n"),
  };
}

function verifyError(report: VerifyReport, after: LoggedRun[]): { error: string; details: string } {
  const first = report.new_failures[0]!;
  const line = first.lines[0] ? `: ${first.lines[0].trim()}` : "";
  const sections = report.new_failures.map((failure) => {
    const run = after.find((r) => r.command === failure.command);
    return `$ ${failure.command}\n(${failure.reason})\n\n${trimOutput(run?.output ?? "", { failing: failure.lines, maxBytes: Math.floor(4096 / report.new_failures.length) })}`;
  });
  return { error: `verify failed: \`${first.command}\` ${first.reason}${line}`.slice(0, 500), details: sections.join("\n\n") };
}

/**
 * One attempt at one file: check it did not change since the request, diff, check the finding is gone,
 * verify before, back up, write atomically, verify after; any failure puts the original back. Only
 * failures that are new compared with the run before the change count.
 */
export async function runAttempt(env: AttemptEnv, file: FileState, from: { candidate: Candidate; sendRunDir: string | null }): Promise<AttemptResult> {
  const { candidate, sendRunDir } = from;
  const label = `${fileKey(file.n, file.path)}.attempt${file.attempt}`;
  const target = path.join(env.projectRoot, file.path);
  const record: AttemptRecord = {
    attempt: file.attempt,
    outcome: "failed",
    candidate_file: candidate.extracted ? env.show(candidate.extracted) : null,
    patch_file: null,
    error: null,
    error_details_file: null,
    verify: EMPTY_VERIFY,
    finding_gone: null,
    send_run_dir: sendRunDir ? env.show(sendRunDir) : null,
  };
  const fail = async (error: string, details: string): Promise<AttemptResult> => {
    const detailsFile = path.join(env.runDir, "verify", `${label}.error.txt`);
    await mkdir(path.dirname(detailsFile), { recursive: true });
    await writeFileAtomically(detailsFile, `${details.replace(/\s+$/, "")}\n`);
    return { record: { ...record, outcome: "failed", error, error_details_file: env.show(detailsFile) } };
  };
  if (candidate.refusal) {
    const { code, reason } = candidate.refusal;
    return fail(`the reply could not be used (${code}): ${reason}`, `The reply was not applied: ${code}: ${reason}`);
  }
  const current = await readFile(target, "utf8").catch(() => null);
  if (current === null) return { record: { ...record, outcome: "refused", error: `${file.path} no longer exists in the project` } };
  if (candidate.sha256Sent && sha256Text(current) !== candidate.sha256Sent) {
    const error = `${file.path} changed since its request was built (sha256 ${candidate.sha256Sent.slice(0, 12)}… was sent, ${sha256Text(current).slice(0, 12)}… is on disk); not applied`;
    return { record: { ...record, outcome: "refused", error } };
  }
  if (!candidate.sha256Sent) env.warn(`${file.path}: no sha256 of the request is known (no send meta file), so a change since the request cannot be detected`);
  const bytes = await readFile(candidate.extracted!);
  const fixed = bytes.toString("utf8");
  const findings = env.checker ? checkFindingGone(env.checker, { file: file.path, original: current, fixed }) : null;
  record.finding_gone = findings?.gone ?? null;
  if (fixed === current) {
    if (findings && findings.before > 0) return fail("the reply left the file unchanged, and the finding is still there", findingError(findings).details);
    return { record: { ...record, outcome: "unchanged" } };
  }
  const patchFile = path.join(env.runDir, "patches", `${label}.patch`);
  await writePatch(patchFile, unifiedDiff(file.path, current, fixed));
  record.patch_file = env.show(patchFile);
  if (env.diffOnly) return { record: { ...record, outcome: "diff_only" } };
  if (findings?.gone === false) return fail(findingError(findings).error, findingError(findings).details);
  const before = await env.verifier.before(file.path, label);
  if (env.signal?.aborted) return { record, interrupted: true };
  const existing = backupOf(env.projectRoot, file);
  if (!existing || existing.sha256 !== sha256Bytes(await readFile(target))) {
    const backup = await backupFile(target, path.join(env.runDir, "backups", file.path));
    Object.assign(file, { backup_file: env.show(backup.file), original_sha256: backup.sha256, original_mode: backup.mode });
  }
  file.phase = "written";
  file.written_sha256 = sha256Bytes(bytes);
  await env.save();
  await writeWhole(target, bytes);
  const after = await env.verifier.after(file.path, label);
  if (env.signal?.aborted || after.some((run) => run.interrupted)) {
    await rollback(env, file);
    return { record, interrupted: true };
  }
  record.verify = verifyReport(before, after);
  if (record.verify.new_failures.length > 0) {
    await rollback(env, file);
    const { error, details } = verifyError(record.verify, after);
    return fail(error, details);
  }
  return { record: { ...record, outcome: "fixed" } };
}
