import { z } from "zod";

export const FILE_STATUSES = ["fixed", "failed", "refused", "unchanged", "diff_only"] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];
/** `pending`: scan-and-fix --via batch is waiting on its Batch API jobs (come back with --resume). */
export const STOP_REASONS = ["budget", "api_error", "interrupted", "pending"] as const;
export type StopReason = (typeof STOP_REASONS)[number];

const VerifyRunSchema = z.object({
  command: z.string(),
  exit_code: z.number().int().nullable(),
  passed: z.boolean(),
  timed_out: z.boolean(),
  duration_ms: z.number(),
  log_file: z.string(),
});

const LocationSchema = z.object({ file: z.string(), line: z.number().int(), column: z.number().int().nullable() });
const FailureSchema = z.object({
  kind: z.string(),
  name: z.string(),
  header: z.string(),
  message: z.array(z.string()),
  locations: z.array(LocationSchema),
});

const NewFailureSchema = z.object({
  command: z.string(),
  reason: z.string(),
  lines: z.array(z.string()),
  failures: z.array(FailureSchema).optional(),
  failures_omitted: z.number().int().optional(),
  already_failing: z.array(z.string()).optional(),
  summary: z.array(z.string()).optional(),
  dropped_lines: z.number().int().optional(),
});

const VerifyReportSchema = z.object({
  before: z.array(VerifyRunSchema),
  after: z.array(VerifyRunSchema),
  new_failures: z.array(NewFailureSchema),
});

const AttemptSchema = z.object({
  attempt: z.number().int().positive(),
  outcome: z.enum(FILE_STATUSES),
  /** The extracted file this attempt tried (project-relative). */
  candidate_file: z.string().nullable(),
  patch_file: z.string().nullable(),
  /** One line: why the attempt failed. */
  error: z.string().nullable(),
  /** The trimmed error (failing lines, head and tail of the output) as sent back to the model. */
  error_details_file: z.string().nullable(),
  verify: VerifyReportSchema,
  finding_gone: z.boolean().nullable(),
  /** The send run that produced the candidate. */
  send_run_dir: z.string().nullable(),
});
export type AttemptRecord = z.infer<typeof AttemptSchema>;

const FileStateSchema = z.object({
  path: z.string(),
  n: z.number().int().positive(),
  rules: z.array(z.string()),
  status: z.enum(["pending", ...FILE_STATUSES]),
  /** `written`: a candidate is on disk and not yet confirmed; a resume puts the original back first. */
  phase: z.enum(["pending", "written", "done"]),
  attempt: z.number().int().positive(),
  original_sha256: z.string().nullable(),
  original_mode: z.number().int().nullable(),
  backup_file: z.string().nullable(),
  written_sha256: z.string().nullable(),
  attempts: z.array(AttemptSchema),
  commit: z.string().nullable(),
});
export type FileState = z.infer<typeof FileStateSchema>;

export const ApplyStateSchema = z.object({
  created_at: z.string(),
  updated_at: z.string(),
  finished: z.boolean(),
  stopped: z.enum(STOP_REASONS).nullable(),
  extracted_dir: z.string().nullable(),
  /** The settings the run started with, for the record (a resume takes its settings from its own input). */
  options: z.record(z.string(), z.unknown()),
  files: z.array(FileStateSchema),
  /** USD spent by this run (retries, escalation), by send run directory or purpose. */
  costs: z.record(z.string(), z.number()),
  failure_report: z.string().nullable(),
  escalation_file: z.string().nullable(),
});
export type ApplyState = z.infer<typeof ApplyStateSchema>;

export const APPLY_STATE_FILE = "apply_state.json";
export const APPLY_STATE_VERSION = 1;

export function newFileState(file: string, n: number, rules: string[]): FileState {
  return {
    path: file,
    n,
    rules,
    status: "pending",
    phase: "pending",
    attempt: 1,
    original_sha256: null,
    original_mode: null,
    backup_file: null,
    written_sha256: null,
    attempts: [],
    commit: null,
  };
}
