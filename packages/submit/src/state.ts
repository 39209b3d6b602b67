import path from "node:path";
import { z } from "zod";
import { createStateStore, type StateStore } from "@gembatch/core";

export const STATE_FILE = "batch_submission_state.json";
export const LOG_FILE = "batch_submission_log.jsonl";
export const REPORT_FILE = "batch_submission_final_report.json";
const STATE_VERSION = 1;

const BatchFileSchema = z.object({
  file: z.string(),
  sha256: z.string(),
  requests: z.number().int(),
  bytes: z.number().int(),
  estimated_tokens: z.number().int(),
});

const UploadSchema = z.object({
  file_name: z.string(),
  file_uri: z.string().nullable(),
  sha256: z.string(),
  uploaded_at: z.string(),
  expires_at: z.string().nullable(),
});

const IntentSchema = z.object({ display_name: z.string(), file_name: z.string(), at: z.string() });

const JobSchema = z.object({
  job_name: z.string(),
  display_name: z.string(),
  file_uri: z.string().nullable(),
  file_name: z.string(),
  submitted_at: z.string(),
  adopted: z.boolean().optional(),
  state: z.string().optional(),
  state_checked_at: z.string().optional(),
  batch_stats: z.record(z.string(), z.number()).optional(),
  responses_file: z.string().nullable().optional(),
  /** When the job ended, as the server says (results are downloadable for a limited time after it). */
  end_time: z.string().optional(),
  /** When `download` saved the results (the status stops warning about them). */
  downloaded_at: z.string().optional(),
  /** The batch's collected usage is in the cost ledger (so a second collect does not count it twice). */
  cost_recorded: z.boolean().optional(),
});

const FailureSchema = z.object({
  error: z.string(),
  kind: z.string(),
  /** The HTTP status and Google's status name of the last answer, when there was one. */
  http_status: z.number().int().optional(),
  google_status: z.string().optional(),
  attempts: z.number().int(),
  at: z.string(),
});

const SubmissionStateSchema = z
  .object({
    started_at: z.string(),
    updated_at: z.string(),
    input_dir: z.string(),
    model: z.string(),
    display_prefix: z.string(),
    total_batches: z.number().int(),
    batch_files: z.record(z.string(), BatchFileSchema),
    last_completed_batch: z.number().int().nullable(),
    uploads: z.record(z.string(), UploadSchema),
    intents: z.record(z.string(), IntentSchema),
    submitted_jobs: z.record(z.string(), JobSchema),
    failed_batches: z.record(z.string(), FailureSchema),
  })
  .strict();

export type SubmissionState = z.infer<typeof SubmissionStateSchema>;
export type SubmittedJob = z.infer<typeof JobSchema>;
export type BatchFile = z.infer<typeof BatchFileSchema>;

export function openStateStore(workDir: string, command: string): StateStore<SubmissionState> {
  return createStateStore({
    file: path.join(workDir, STATE_FILE),
    schema: SubmissionStateSchema,
    version: STATE_VERSION,
    command,
  });
}

/** Terminal job states, as the SDK names them (JOB_STATE_*) or the wire does (BATCH_STATE_*). */
export function isTerminal(state: string | undefined): boolean {
  return state !== undefined && /(SUCCEEDED|FAILED|CANCELLED|EXPIRED)$/.test(state);
}

export function shortState(state: string | undefined): string {
  return (state ?? "UNKNOWN").replace(/^(JOB|BATCH)_STATE_/, "");
}
