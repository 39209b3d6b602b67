import { z } from "zod";

/** Where a key's reply belongs: the rule's send run and the file. */
const KeySchema = z.object({
  rule: z.string(),
  file: z.string(),
  /** A retry's key (`--retry-via batch`): its send run, relative to the project root, where the reply is recorded. */
  retry_dir: z.string().optional(),
});

/**
 * What `scan-and-fix --via batch` keeps in the run's state: everything a later job (another machine, a
 * copied run directory) needs besides the submit state and inputs under `work_dir`.
 */
export const BatchSectionSchema = z.object({
  /** The submit work dir, relative to the run directory (inputs, submit state, results). */
  work_dir: z.string(),
  display_prefix: z.string(),
  model: z.string(),
  keys: z.record(z.string(), KeySchema),
  /** Keys whose replies were written into their send run (and priced into the ledger). */
  collected: z.array(z.string()),
  /** Keys whose job ended with no results (expired, cancelled, failed, never created): resubmittable. */
  missing: z.array(z.string()),
  /** Files not batched for a rule because an earlier rule's batch request already carries them. */
  deferred: z.record(z.string(), z.string()).default({}),
  resubmits: z.number().int().default(0),
  /** `batch`: the retries a resume finds needed go out as a new batch job too (escalation stays sync). */
  retry_via: z.enum(["sync", "batch"]).default("sync"),
});
export type BatchSection = z.infer<typeof BatchSectionSchema>;

export const BATCH_WORK_DIR = "batch";
export const INPUTS_DIR = "inputs";
export const RESULTS_DIR = "results";
