// send's run files as later steps (send --resume, extract, apply) read them back: one schema each, here.
import { existsSync, readdirSync } from "node:fs";
import { readProjectFile } from "@gembatch/core";
import { z } from "zod";
import { SUMMARY_FILE } from "./run-dir.js";

const UsageSummarySchema = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  cached_tokens: z.number(),
  thinking_tokens: z.number(),
});

const RetryRecordSchema = z.object({
  attempt: z.number(),
  kind: z.string(),
  status: z.number().optional(),
  delay_ms: z.number(),
  server_delay: z.boolean(),
  message: z.string(),
});

const ViaSchema = z.enum(["sync", "batch"]);

/**
 * `response_<n>_<stem>.meta.json`: everything about one file's answer except the text itself. send
 * writes it; send's --resume and apply read it back through `readSendMetas`, never with a schema of
 * their own.
 */
const FileMetaSchema = z.object({
  n: z.number().int(),
  file_to_fix: z.string(),
  success: z.boolean(),
  finish_reason: z.string().nullable(),
  truncated: z.boolean(),
  error: z.string().nullable(),
  sha256_sent: z.string(),
  report_sha256: z.string(),
  fence: z.string(),
  language: z.string(),
  model: z.string(),
  model_version: z.string().nullable(),
  /** The reply limit the request carried (a retry after MAX_TOKENS raises it from this). */
  max_tokens: z.number().int().positive().optional(),
  via: ViaSchema,
  cached_content: z.string().nullable(),
  usage: UsageSummarySchema,
  cost: z.number().nullable(),
  /** What the same tokens would have cost with nothing served from a cache. */
  cost_without_cache: z.number().nullable(),
  attempts: z.number(),
  /** Every retry the policy made for this file, with the wait and whether the server asked for it. */
  retries: z.array(RetryRecordSchema),
  duration_ms: z.number(),
  started_at: z.string(),
  finished_at: z.string(),
  continuations: z.number(),
  request_file: z.string(),
  response_file: z.string().nullable(),
  /** Each part of a continued reply, and the request that asked for it, in order. */
  parts: z.array(
    z.object({ request_file: z.string(), response_file: z.string(), finish_reason: z.string().nullable() }),
  ),
  batch_job: z.string().optional(),
});

/**
 * A meta file read on its own, beside one reply (extract): each field as send writes it, any of them
 * missing (a reply from an older or a hand-made run still yields what it has).
 */
export const FileMetaFieldsSchema = FileMetaSchema.partial();

/**
 * The part of BATCH_SUMMARY.json that later steps read back: the report the run sent and each file's
 * outcome. Loose: the rest of the summary is for people and agents.
 */
const SummaryFileSchema = z.looseObject({
  issue_report_file: z.string().optional(),
  results: z
    .array(
      z.looseObject({
        file_to_fix: z.string().optional(),
        success: z.boolean().optional(),
        finish_reason: z.string().nullable().optional(),
        error: z.string().nullable().optional(),
      }),
    )
    .optional(),
});

export type UsageSummary = z.infer<typeof UsageSummarySchema>;
export type RetryRecord = z.infer<typeof RetryRecordSchema>;
export type Via = z.infer<typeof ViaSchema>;
export type FileMeta = z.infer<typeof FileMetaSchema>;
export type SummaryFile = z.infer<typeof SummaryFileSchema>;

const META_NAME = /^response_\d+_.*\.meta\.json$/;

/**
 * Every meta file of a send run that has the shape send writes, by the file it answered. Each is read
 * through core's guard (a regular file of the run directory, never a link out of it); the paths a meta
 * names are checked where they are used. A torn, hand-edited or foreign meta is left out: send sends
 * that file again on --resume, and apply cannot check that file's request.
 */
export function readSendMetas(runDir: string): Map<string, FileMeta> {
  const metas = new Map<string, FileMeta>();
  if (!existsSync(runDir)) return metas;
  for (const name of readdirSync(runDir)) {
    if (!META_NAME.test(name)) continue;
    try {
      const parsed = FileMetaSchema.safeParse(
        JSON.parse(readProjectFile(runDir, name, { field: name }).bytes.toString("utf8")),
      );
      if (parsed.success) metas.set(parsed.data.file_to_fix, parsed.data);
    } catch {
      // Unreadable or not JSON: the same as a meta that is not there.
    }
  }
  return metas;
}

/**
 * BATCH_SUMMARY.json of a send run, read through core's guard; undefined when it is missing, unreadable
 * or not of the shape send writes (the run did not finish, or was not written by send).
 */
export function readSendSummary(runDir: string): SummaryFile | undefined {
  try {
    const parsed = SummaryFileSchema.safeParse(
      JSON.parse(readProjectFile(runDir, SUMMARY_FILE, { field: SUMMARY_FILE }).bytes.toString("utf8")),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
