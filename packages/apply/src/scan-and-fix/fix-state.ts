import { z } from "zod";
import { FILE_STATUSES, STOP_REASONS } from "../state.js";
import { BatchSectionSchema } from "./batch-state.js";

const RuleEntrySchema = z.object({
  rule: z.string(),
  issue: z.string(),
  files: z.array(z.string()),
  /** pending → reported → sent → applied; `failed` when its report could not be written. */
  phase: z.enum(["pending", "reported", "sent", "applied", "failed"]),
  report_file: z.string().nullable(),
  run_dir: z.string().nullable(),
  error: z.string().nullable(),
  /** What happened to each file for this rule. */
  outcomes: z.record(z.string(), z.enum(FILE_STATUSES)),
  attempts: z.record(z.string(), z.number().int()),
  /** The patch that was applied, for each fixed file. */
  patches: z.record(z.string(), z.string()),
  failure_report: z.string().nullable(),
  escalation_file: z.string().nullable(),
  /** For each file that failed: its last attempt's failing tests and errors, in one line. */
  evidence: z.record(z.string(), z.string()).default({}),
  /** Files set aside on their own (not UTF-8, binary, a refused path), each with why; never sent. */
  set_aside: z.record(z.string(), z.string()).default({}),
});
export type RuleEntry = z.infer<typeof RuleEntrySchema>;

export const FixStateSchema = z.object({
  created_at: z.string(),
  updated_at: z.string(),
  finished: z.boolean(),
  stopped: z.enum(STOP_REASONS).nullable(),
  shard: z.string().nullable(),
  /** The plan's inputs (paths, rules, shard, max_files), to tell a resume what it continues. */
  plan: z.record(z.string(), z.unknown()),
  findings: z.number().int(),
  files_found: z.number().int(),
  /** The files this run works on (this shard's, capped by max_files), sorted. */
  files: z.array(z.string()),
  rules: z.array(RuleEntrySchema),
  costs: z.record(z.string(), z.number()),
  /** Present when the run goes through the Batch API (`--via batch`). */
  batch: BatchSectionSchema.optional(),
});
export type FixState = z.infer<typeof FixStateSchema>;

export const FIX_STATE_FILE = "scan_and_fix_state.json";
export const FIX_STATE_VERSION = 1;
