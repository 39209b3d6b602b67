import type { StopReason } from "../state.js";
import type { ModelSettings } from "../types.js";
import type { Shard } from "./shard.js";

export interface ScanAndFixOptions {
  cwd: string;
  projectRoot: string;
  tmpDir: string;
  /** Files or directories to scan, relative to `cwd` (default: the config's `scan.paths`, else the project). */
  paths?: string[];
  rules?: string[];
  exclude?: string[];
  minSeverity?: "error" | "warning" | "note";
  /** Without `rules`: also the rules left to people, at every severity (default: auto-fixable ones, warning and up). */
  allRules?: boolean;
  scanConfig: unknown;
  /** The config file, if any: never scanned, as `gembatch scan` does not scan it. */
  configFile?: string;
  configLabel?: string;
  verify: string[];
  verifyTimeoutMs: number;
  maxAttempts: number;
  maxCost?: number;
  maxFiles?: number;
  shard: Shard | null;
  dryRun: boolean;
  resume: boolean;
  /** The run directory (default `tmp/gembatch_fix_<stamp>`; with `resume`, the latest unfinished one). */
  outputDir?: string;
  escalate: boolean;
  escalationModel: string;
  commit: boolean;
  allowDirty: boolean;
  branch?: string;
  settings: ModelSettings;
  includeImports?: boolean;
  maxContextTokens?: number;
  concurrency?: number;
  /** `$GITHUB_STEP_SUMMARY`: the markdown summary is appended to it. */
  stepSummaryFile?: string;
  /** `batch`: the first attempts go through the Batch API at batch rates; the run returns pending at once. */
  via?: "sync" | "batch";
  /** Batch runs: poll until the jobs end, then apply (instead of returning pending). */
  wait?: boolean;
  pollIntervalMs?: number;
  /** Batch runs: `batch` sends the retries a resume finds needed as a new batch job (default: sync). */
  retryVia?: "sync" | "batch";
  /** Batch runs, with `resume`: send the requests whose job ended with no result again as a new job. */
  resubmitMissing?: boolean;
  /** Split the batch input files at these limits (default: under Google's 2 GB, 10,000 requests). */
  batchMaxBytes?: number;
  batchMaxRequests?: number;
}

/** `skipped`: set aside on its own (not UTF-8, binary, a refused path), never sent; `reason` says why. */
export type FixFileStatus = "fixed" | "failed" | "refused" | "skipped" | "unchanged" | "pending" | "planned";

export interface ScanAndFixResult {
  success: boolean;
  dry_run: boolean;
  shard: string | null;
  output_dir: string;
  findings: number;
  files_found: number;
  files_attempted: number;
  files_fixed: number;
  files_failed: number;
  /** `evidence`, for a failed file: its last attempt's new failing tests and errors, in one line. */
  files: Array<{
    path: string;
    rules: string[];
    status: FixFileStatus;
    attempts: number;
    patch_files: string[];
    reason?: string;
    evidence?: string;
  }>;
  reports: Array<{ rule: string; issue: string; report_file: string | null; files_to_fix: number; error?: string }>;
  runs: Array<{
    rule: string;
    run_dir: string | null;
    phase: string;
    failure_report: string | null;
    escalation_file: string | null;
  }>;
  failure_reports: string[];
  escalation_files: string[];
  total_cost: number;
  /** Dry runs: the most the requests could cost (null when a price is unknown). */
  /** Dry runs: the worst case (every reply uses max_tokens) and the expected figure (replies the size of the files). */
  estimated_cost?: number | null;
  estimated_cost_expected?: number | null;
  requests?: string[];
  /** Dry runs: what each rule would send and cost. */
  dry_run_by_rule?: Array<{
    rule: string;
    files: number;
    requests: number;
    estimated_cost: number | null;
    estimated_cost_expected: number | null;
  }>;
  /** Rules a run with no rules named leaves to people (see --all-rules). */
  rules_left_out?: string[];
  summary_file: string;
  summary_markdown_file: string;
  state_file: string | null;
  stopped?: StopReason;
  warnings?: string[];
  /** Batch runs (`--via batch`): the jobs, and what has come back. */
  batch?: {
    work_dir: string;
    jobs: Array<{
      batch: number;
      job_name: string | null;
      state: string;
      requests: number;
      succeeded: number;
      failed: number;
    }>;
    requests: number;
    collected: number;
    /** Files whose job ended with no result (expired, cancelled, failed): `--resume --resubmit-missing`. */
    missing: string[];
    /** File → the rule it was not batched for (an earlier rule's request carries it). */
    deferred: Record<string, string>;
    resume_command: string;
  };
  /** Dry runs: what the requests would cost by each route, in USD (expected reply sizes). */
  cost_by_route?: { sync: number | null; batch: number | null; sync_with_cache: number | null; cached_rules: number };
}

export { type Shard };
