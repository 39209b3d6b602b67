import type { GoogleGenAI } from "@google/genai";
import type {
  Clock,
  EventLog,
  GenerationSettings,
  Pricing,
  Progress,
  RateLimiter,
  RateLimits,
  RetryPolicy,
  ThinkingSetting,
  TooLarge,
} from "@gembatch/core";

import type { FileMeta, RetryRecord, UsageSummary, Via } from "./run-files.js";

export type { FileMeta, RetryRecord, UsageSummary, Via };

/** What to send and how; paths are resolved against `cwd`. */
export interface SendOptions {
  issueReportFile: string;
  /** Omitted: the report's own "Files to Fix" list. */
  filesToFix?: string[];
  model: string;
  /**
   * Resolved by core's `resolveGenerationSettings` (what the commands pass). Without it the loose values
   * below are resolved and checked against the model here, so a library caller gets the same checks.
   */
  settings?: GenerationSettings;
  /** Omitted: sized from the largest file plus thinking headroom, within the model's output limit. */
  maxTokens?: number;
  /** Omitted: the model's own default (Google advises leaving 3.x models at theirs). */
  temperature?: number;
  thinking?: ThinkingSetting;
  maxCost?: number;
  /** Send to a model past its shutdown date (default: refused). */
  allowRetired?: boolean;
  outputDir?: string;
  dryRun?: boolean;
  resume?: boolean;
  /** Explicit context caching when worthwhile (default true). */
  cache?: boolean;
  cacheTtlSeconds?: number;
  continueTruncated?: number;
  via?: Via;
  /** Parallel requests (sync mode); the rate limiter still holds requests and tokens per minute. */
  concurrency?: number;
  /** How often `--via batch` polls the job. */
  pollIntervalMs?: number;
  /**
   * Above this many bytes of requests a batch goes through an uploaded JSONL file instead of inline (default 15 MiB;
   * Google's inline cap is 20 MB).
   */
  batchInlineLimitBytes?: number;
  cwd: string;
  projectRoot: string;
  tmpDir: string;
}

export interface SendDeps {
  /** A ready client, or a factory called only when something is actually sent (dry runs need no key). */
  client?: GoogleGenAI;
  createClient?: () => Promise<GoogleGenAI>;
  clock?: Clock;
  /** Used as given; otherwise one is built from `rateLimits`. */
  limiter?: RateLimiter;
  rateLimits?: RateLimits;
  retryPolicy?: Partial<RetryPolicy>;
  pricing?: Pricing;
  /** The cost ledger every call appends to. */
  ledgerFile?: string;
  /** The command the ledger names for these calls (default "send"; scan-and-fix passes its own). */
  ledgerCommand?: string;
  signal?: AbortSignal;
  /** Called once the number of files to send is known. */
  progress?(total: number): Promise<Progress> | Progress;
  warn?(message: string): void;
  info?(message: string): void;
  /** Opened in the run directory when not given. */
  events?: EventLog;
}

export type StopReason = "budget" | "interrupted" | "api_error";

export interface FileResult {
  n: number;
  file_to_fix: string;
  success: boolean;
  finish_reason: string | null;
  truncated: boolean;
  request_file: string;
  response_file: string | null;
  meta_file: string;
  sha256_sent: string;
  cost: number | null;
  /** The same tokens priced with nothing served from a cache (explicit or implicit). */
  cost_without_cache: number | null;
  usage: UsageSummary;
  error: string | null;
  model_version: string | null;
  continuations: number;
  attempts: number;
  /**
   * Not sent in this pass: answered by an earlier pass in the same run directory (skipped by --resume, or not named
   * this time).
   */
  resumed: boolean;
}

export interface NotSent {
  file_to_fix: string;
  /** `too_large`: its whole fixed version cannot fit the model's output limit, so it was not sent. */
  reason: StopReason | "too_large";
  too_large?: TooLarge;
}

export interface CacheSummary {
  name: string | null;
  tokens: number;
  created: boolean;
  deleted: boolean;
  ttl_seconds: number;
  /** Cache tokens billed once at the standard input price when the cache is made. */
  creation_cost: number | null;
  storage_cost: number | null;
  storage_hours: number;
  cached_tokens_used: number;
  /**
   * Cost of the replies had every token been billed as uncached input, minus what they cost, minus the cache's own
   * costs.
   */
  saving: number | null;
  error?: string;
}

export interface DryRunFile {
  n: number;
  file_to_fix: string;
  request_file: string;
  sha256_sent: string;
  fence: string;
  estimated_prompt_tokens: number;
  /** The file's own tokens: a whole-file reply is about this size. */
  estimated_file_tokens: number;
  /** Worst case: every output token up to max_tokens used. */
  estimated_cost: number | null;
  /** Expected: a reply the size of the file (plus margin), before thinking. */
  estimated_cost_expected: number | null;
  /** Set when the file cannot fit the model's output limit: a real run skips it. */
  too_large: TooLarge | null;
}

export interface SendResult {
  success: boolean;
  dry_run: boolean;
  via: Via;
  model: string;
  issue_report_file: string;
  output_dir: string;
  summary_file: string | null;
  log_file: string | null;
  files_processed: number;
  files_succeeded: number;
  files_failed: number;
  files_truncated: number;
  files_resumed: number;
  total_cost: number;
  average_cost_per_file: number;
  /** False when some reply came from a model without a known price (its cost is left out of the totals). */
  cost_complete: boolean;
  usage: UsageSummary;
  results: FileResult[];
  not_sent: NotSent[];
  stopped: StopReason | null;
  error: { code: string; message: string; hint?: string } | null;
  cache: CacheSummary | null;
  budget: { max_cost: number; spent: number } | null;
  batch_job: { name: string; display_name: string; state: string } | null;
  /** The reply limit sent (max_tokens as given, else sized from the largest file). */
  max_tokens?: number;
  thinking?: ThinkingSetting | null;
  /** Dry runs only: the worst case (every reply uses max_tokens) and the expected figure. */
  estimated_cost?: number | null;
  estimated_cost_expected?: number | null;
  cache_planned?: boolean;
  planned?: DryRunFile[];
  started_at: string;
  finished_at: string;
  duration_ms: number;
  warnings?: string[];
}
