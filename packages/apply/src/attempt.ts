import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  activeProjectSession,
  isInsideDir,
  journalEdit,
  readProjectFile,
  settleEdit,
  toCliError,
  writeFileAtomically,
} from "@gembatch/core";
import { checkFixedBytes } from "@gembatch/extract";
import type { Candidate } from "./candidates.js";
import { backupFile, readOriginal, restoreFile, writeWhole, type Backup } from "./backup.js";
import { sha256Bytes, sha256Text } from "./hash.js";
import { fileKey } from "./paths.js";
import { unifiedDiff, writePatch } from "./patch.js";
import { checkFindingGone, type FindingCheck, type RuleChecker } from "./rescan.js";
import type { AttemptRecord, FileState } from "./state.js";
import { renderVerifyEvidence, RETRY_EVIDENCE_TOKENS } from "./verify/evidence/verify-evidence.js";
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

interface AttemptResult {
  record: AttemptRecord;
  /** Interrupted before it finished: the original is back, the attempt is to be made again. */
  interrupted?: boolean;
}

/** Enter the candidate in the project's edit journal, so any later run puts the original back if we die. */
function journalWrite(env: AttemptEnv, file: FileState): void {
  const session = activeProjectSession();
  if (!session || !file.backup_file || !file.original_sha256 || !file.written_sha256) return;
  journalEdit(session.dir, {
    path: file.path,
    backup: file.backup_file,
    original_sha256: file.original_sha256,
    written_sha256: file.written_sha256,
    mode: file.original_mode ?? 0o644,
    run_dir: env.show(env.runDir),
  });
}

function settleWrite(file: FileState): void {
  const session = activeProjectSession();
  if (session) settleEdit(session.dir, file.path);
}

const EMPTY_VERIFY: VerifyReport = { before: [], after: [], new_failures: [] };

/** The backup recorded in the state (its path is stored relative to the project root). */
export function backupOf(projectRoot: string, file: FileState): Backup | null {
  if (!file.backup_file || !file.original_sha256 || file.original_mode === null) return null;
  return { file: path.resolve(projectRoot, file.backup_file), sha256: file.original_sha256, mode: file.original_mode };
}

/**
 * Put the original back (through the guard, from the run's backups) and record that nothing unconfirmed is on disk any
 * more.
 */
export async function rollback(env: AttemptEnv, file: FileState): Promise<void> {
  const backup = backupOf(env.projectRoot, file);
  if (backup) await restoreFile({ projectRoot: env.projectRoot, runDir: env.runDir, file: file.path, backup });
  settleWrite(file);
  file.phase = "pending";
  file.written_sha256 = null;
  await env.save();
}

/** A guard refusal or a missing file, as the one-line reason of a refused attempt; anything else is thrown. */
function refusalOf(error: unknown): string {
  const failure = toCliError(error);
  if (failure.code !== "PATH_OUTSIDE_PROJECT" && failure.code !== "FILE_NOT_FOUND") throw failure;
  return failure.message;
}

/** The extracted file, read only from inside the extraction's directory (whatever names it may hold). */
function readCandidate(candidate: Candidate): { bytes: Buffer } | { error: string } {
  if (!candidate.extracted || !candidate.extractedDir) return { error: "the extraction has no file for it" };
  const root = path.resolve(candidate.extractedDir);
  const file = path.resolve(candidate.extracted);
  if (file === root || !isInsideDir(root, file))
    return { error: `extracted: outside the extraction directory: ${candidate.extracted}` };
  try {
    return { bytes: readProjectFile(root, path.relative(root, file), { field: "extracted", allowGit: true }).bytes };
  } catch (error) {
    return { error: refusalOf(error) };
  }
}

function findingError(check: FindingCheck): { error: string; details: string } {
  if (check.remaining.length === 0) {
    return {
      error: "a gembatch-ignore comment hides the finding instead of fixing it",
      details: "The fixed file silences the rule with a gembatch-ignore comment; the code itself must change.",
    };
  }
  const first = check.remaining[0]!;
  const lines = check.remaining
    .slice(0, 20)
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.rule}: ${f.message}\n    ${f.context.line.trim()}`);
  return {
    error: `the finding is still there: ${first.rule} at line ${first.line} (${first.match})`,
    details: [
      `The fixed file still has ${check.remaining.length} finding(s) of the rule it was sent to fix:`,
      "",
      ...lines,
    ].join("\n"),
  };
}

function verifyError(report: VerifyReport, after: LoggedRun[], file: string): { error: string; details: string } {
  const first = report.new_failures[0]!;
  const line = first.lines[0] ? `: ${first.lines[0].trim()}` : "";
  const outputs = new Map(after.map((run) => [run.command, run.output]));
  const details = renderVerifyEvidence(report.new_failures, { file, budgetTokens: RETRY_EVIDENCE_TOKENS, outputs });
  return { error: `verify failed: \`${first.command}\` ${first.reason}${line}`.slice(0, 500), details };
}

/**
 * One attempt at one file: check it did not change since the request, diff, check the finding is gone,
 * verify before, back up, write atomically, verify after; any failure puts the original back. Only
 * failures that are new compared with the run before the change count.
 */
export async function runAttempt(
  env: AttemptEnv,
  file: FileState,
  from: { candidate: Candidate; sendRunDir: string | null },
): Promise<AttemptResult> {
  const { candidate, sendRunDir } = from;
  const label = `${fileKey(file.n, file.path)}.attempt${file.attempt}`;
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
  let original: { bytes: Buffer; mode: number };
  try {
    original = readOriginal(env.projectRoot, file.path);
  } catch (error) {
    const reason = refusalOf(error);
    const gone = toCliError(error).code === "FILE_NOT_FOUND";
    return {
      record: {
        ...record,
        outcome: "refused",
        error: gone ? `${file.path} no longer exists in the project` : `${reason}; not applied`,
      },
    };
  }
  const current = original.bytes.toString("utf8");
  if (candidate.sha256Sent && sha256Text(current) !== candidate.sha256Sent) {
    const error = `${file.path} changed since its request was built (sha256 ${candidate.sha256Sent.slice(0, 12)}… was sent, ${sha256Text(current).slice(0, 12)}… is on disk); not applied`;
    return { record: { ...record, outcome: "refused", error } };
  }
  if (!candidate.sha256Sent)
    env.warn(
      `${file.path}: no sha256 of the request is known (no send meta file), so a change since the request cannot be detected`,
    );
  const read = readCandidate(candidate);
  if ("error" in read)
    return {
      record: { ...record, outcome: "refused", error: `the fixed file cannot be read (${read.error}); not applied` },
    };
  const { bytes } = read;
  // Extract checked the reply already; the file on disk may have been edited since.
  const problem = checkFixedBytes(bytes, current);
  if (problem)
    return {
      record: {
        ...record,
        outcome: "refused",
        error: `the fixed file was not applied (${problem.code}): ${problem.reason}`,
      },
    };
  const fixed = bytes.toString("utf8");
  const findings = env.checker ? checkFindingGone(env.checker, { file: file.path, original: current, fixed }) : null;
  record.finding_gone = findings?.gone ?? null;
  if (fixed === current) {
    if (findings && findings.before > 0)
      return fail("the reply left the file unchanged, and the finding is still there", findingError(findings).details);
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
  try {
    if (!existing || existing.sha256 !== sha256Bytes(readOriginal(env.projectRoot, file.path).bytes)) {
      const backup = await backupFile({ projectRoot: env.projectRoot, runDir: env.runDir, file: file.path });
      Object.assign(file, {
        backup_file: env.show(backup.file),
        original_sha256: backup.sha256,
        original_mode: backup.mode,
      });
    }
  } catch (error) {
    return { record: { ...record, outcome: "refused", error: `${refusalOf(error)}; not applied` } };
  }
  file.phase = "written";
  file.written_sha256 = sha256Bytes(bytes);
  await env.save();
  journalWrite(env, file);
  try {
    // The fixed file always gets the original's mode; the guard is checked again at this moment.
    await writeWhole({ projectRoot: env.projectRoot, file: file.path, bytes, mode: file.original_mode });
  } catch (error) {
    const reason = refusalOf(error);
    settleWrite(file);
    file.phase = "pending";
    file.written_sha256 = null;
    await env.save();
    return { record: { ...record, outcome: "refused", error: `${reason}; not applied` } };
  }
  const after = await env.verifier.after(file.path, label);
  if (env.signal?.aborted || after.some((run) => run.interrupted)) {
    await rollback(env, file);
    return { record, interrupted: true };
  }
  record.verify = verifyReport(before, after, { projectRoot: env.projectRoot });
  if (record.verify.new_failures.length > 0) {
    await rollback(env, file);
    const { error, details } = verifyError(record.verify, after, file.path);
    return fail(error, details);
  }
  settleWrite(file);
  return { record: { ...record, outcome: "fixed" } };
}
