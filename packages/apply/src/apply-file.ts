import { guardProjectPath, readProjectFile, toCliError } from "@gembatch/core";
import { backupOf, rollback, runAttempt, type AttemptEnv } from "./attempt.js";
import type { Candidate } from "./candidates.js";
import { commitFile, commitMessage } from "./git.js";
import { sha256Bytes } from "./hash.js";
import { retryFile, type RetryContext } from "./retry.js";
import { readInside } from "./run-files.js";
import type { FileState, StopReason } from "./state.js";

export interface FileRunContext extends AttemptEnv {
  maxAttempts: number;
  /** null when there is no issue report to build a retry from. */
  retry: RetryContext | null;
  commit: { verify: string[]; issue: string | null } | null;
  /** The send run that produced the first attempt's candidate. */
  firstSendRunDir: string | null;
  info(message: string): void;
}

/** Close a file as refused, with one attempt record saying why. */
async function refuseFile(ctx: FileRunContext, file: FileState, error: string): Promise<void> {
  file.status = "refused";
  file.phase = "done";
  file.attempts.push({
    attempt: file.attempt,
    outcome: "refused",
    candidate_file: null,
    patch_file: null,
    error,
    error_details_file: null,
    verify: { before: [], after: [], new_failures: [] },
    finding_gone: null,
    send_run_dir: null,
  });
  await ctx.save();
}

/**
 * Why a path (from an extraction context, a send meta file or a resumed state) may not be written:
 * outside the root, inside .git, through a link out, or itself a link. Null when it may.
 */
function unsafePath(projectRoot: string, file: string): string | null {
  try {
    guardProjectPath(projectRoot, file, { field: "path", purpose: "write" });
    return null;
  } catch (error) {
    const failure = toCliError(error);
    if (failure.code !== "PATH_OUTSIDE_PROJECT") throw failure;
    return failure.message;
  }
}

/**
 * A resumed run finds a candidate written but never confirmed (the process died during verify):
 * put the original back, unless someone changed the file since, in which case it is theirs now.
 */
async function recoverWritten(ctx: FileRunContext, file: FileState): Promise<void> {
  let current: string | null = null;
  try {
    current = sha256Bytes(readProjectFile(ctx.projectRoot, file.path, { field: "path" }).bytes);
  } catch (error) {
    if (toCliError(error).code !== "FILE_NOT_FOUND") throw error;
  }
  if (current === file.written_sha256 && backupOf(ctx.projectRoot, file)) {
    ctx.info(`${file.path}: putting the original back (an unconfirmed attempt was on disk)`);
    await rollback(ctx, file);
  } else if (current === file.original_sha256) {
    file.phase = "pending";
    file.written_sha256 = null;
    await ctx.save();
  } else {
    await refuseFile(ctx, file, `${file.path} changed while the run was stopped; left as it is`);
  }
}

async function commitFix(ctx: FileRunContext, file: FileState): Promise<void> {
  if (!ctx.commit) return;
  try {
    file.commit = await commitFile({
      cwd: ctx.projectRoot,
      file: file.path,
      message: commitMessage({
        file: file.path,
        rules: file.rules,
        issue: ctx.commit.issue,
        attempt: file.attempt,
        verify: ctx.commit.verify,
      }),
    });
  } catch (error) {
    ctx.warn(`${file.path}: fixed, but not committed: ${toCliError(error).message}`);
  }
}

/**
 * The two-attempt rule for one file: apply and verify the reply; on a failure put the original back and
 * retry with the error, up to `maxAttempts`. Returns a stop reason when the whole run must end.
 */
export async function processFile(
  ctx: FileRunContext,
  file: FileState,
  first: Candidate,
): Promise<{ stop?: StopReason; deferred?: true }> {
  const unsafe = unsafePath(ctx.projectRoot, file.path);
  if (unsafe) {
    const backup =
      file.phase === "written" && file.backup_file
        ? `; an unconfirmed attempt may be on disk, the original is in ${file.backup_file}`
        : "";
    await refuseFile(ctx, file, `${unsafe}; not applied${backup}`);
    return {};
  }
  if (file.phase === "written") await recoverWritten(ctx, file);
  while (file.status === "pending") {
    if (ctx.signal?.aborted) return { stop: "interrupted" };
    if (file.attempt > ctx.maxAttempts) {
      // Resumed with a lower max_attempts than the run started with.
      Object.assign(file, { status: "failed", phase: "done" });
      await ctx.save();
      break;
    }
    let candidate = first;
    let sendRunDir = ctx.firstSendRunDir;
    if (file.attempt > 1) {
      const previous = file.attempts[file.attempts.length - 1]!;
      if (!ctx.retry) {
        ctx.warn(`${file.path}: no issue report to build a retry from (pass issue_report_file); not retried`);
        file.status = "failed";
        file.phase = "done";
        break;
      }
      ctx.info(`${file.path}: attempt ${file.attempt - 1} failed (${previous.error}); retrying with the error`);
      const details =
        readInside(previous.error_details_file, { projectRoot: ctx.projectRoot, within: [ctx.runDir] }) ??
        previous.error ??
        "";
      const outcome = await retryFile(ctx.retry, {
        file: file.path,
        n: file.n,
        attempt: file.attempt,
        previous,
        errorDetails: details,
      });
      if ("stop" in outcome) return { stop: outcome.stop };
      // Its retry went into a batch job: the file stays pending at this attempt until the reply is in.
      if ("deferred" in outcome) return { deferred: true };
      ({ candidate, sendRunDir } = outcome);
    }
    const { record, interrupted } = await runAttempt(ctx, file, { candidate, sendRunDir });
    if (interrupted) return { stop: "interrupted" };
    file.attempts.push(record);
    if (record.outcome === "fixed") {
      file.status = "fixed";
      ctx.verifier.invalidate();
      await commitFix(ctx, file);
      ctx.info(`${file.path}: fixed on attempt ${file.attempt}${record.patch_file ? ` (${record.patch_file})` : ""}`);
    } else if (record.outcome !== "failed") {
      file.status = record.outcome;
      ctx.info(`${file.path}: ${record.outcome}${record.error ? ` (${record.error})` : ""}`);
    } else if (file.attempt < ctx.maxAttempts && !ctx.diffOnly) {
      file.attempt += 1;
    } else {
      file.status = "failed";
      ctx.info(`${file.path}: not fixed after ${file.attempt} attempt(s): ${record.error}`);
    }
    if (file.status !== "pending") file.phase = "done";
    await ctx.save();
  }
  return {};
}
