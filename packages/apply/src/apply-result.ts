import type { ApplyState, FileState } from "./state.js";
import type { ApplyFileResult, ApplyResult } from "./types.js";

function fileResult(file: FileState): ApplyFileResult {
  const last = file.attempts[file.attempts.length - 1];
  const withPatch = [...file.attempts].reverse().find((a) => a.patch_file !== null);
  const failed = file.status !== "fixed" && file.status !== "unchanged" && file.status !== "diff_only";
  return {
    path: file.path,
    status: file.status,
    attempts: file.attempts.length,
    rules: file.rules,
    patch_file: (file.status === "fixed" ? last?.patch_file : withPatch?.patch_file) ?? null,
    backup_file: file.backup_file,
    verify: last?.verify ?? { before: [], after: [], new_failures: [] },
    finding_gone: last?.finding_gone ?? null,
    error: failed ? (last?.error ?? null) : null,
    errors: file.attempts.filter((a) => a.error !== null).map((a) => a.error!),
    ...(file.commit ? { commit: file.commit } : {}),
  };
}

export function buildApplyResult(
  state: ApplyState,
  extra: {
    runDir: string;
    stateFile: string;
    summaryFile: string;
    totalCost: number;
    branch?: string;
    warnings: string[];
  },
): ApplyResult {
  const files = state.files.map(fileResult);
  const fixed = files.filter((f) => f.status === "fixed").length;
  const failed = files.filter((f) => f.status === "failed" || f.status === "refused").length;
  const commits = state.files.filter((f) => f.commit).map((f) => ({ file: f.path, sha: f.commit!, rules: f.rules }));
  const diffOnly = state.options.diff_only === true;
  return {
    success:
      state.stopped === null &&
      files.every((f) => f.status === "fixed" || f.status === "unchanged" || f.status === "diff_only"),
    run_dir: extra.runDir,
    extracted_dir: state.extracted_dir,
    files,
    files_fixed: fixed,
    files_failed: failed,
    failure_report: state.failure_report,
    ...(state.escalation_file ? { escalation_file: state.escalation_file } : {}),
    ...(commits.length > 0 ? { commits } : {}),
    ...(extra.branch ? { branch: extra.branch } : {}),
    diff_only: diffOnly,
    total_cost: extra.totalCost,
    state_file: extra.stateFile,
    summary_file: extra.summaryFile,
    ...(state.stopped ? { stopped: state.stopped } : {}),
    ...(extra.warnings.length > 0 ? { warnings: [...new Set(extra.warnings)] } : {}),
  };
}
