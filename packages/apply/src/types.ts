import type { Clock, GenerationSettings, Pricing, RateLimits, RetryPolicy } from "@gembatch/core";
import type { SendDeps } from "@gembatch/send";
import type { CostTracker } from "./costs.js";
import type { FileStatus, StopReason } from "./state.js";
import type { VerifyReport } from "./verify/verifier.js";

/** The SDK client type, as @gembatch/send takes it (the SDK itself stays send's and core's dependency). */
type GeminiClient = NonNullable<SendDeps["client"]>;

/** How apply and scan-and-fix reach Gemini (through @gembatch/send and core). */
export interface SendingDeps {
  client?: GeminiClient;
  /** Called only when something is actually sent, so dry runs and diff-only runs need no key. */
  createClient?: () => Promise<GeminiClient>;
  clock?: Clock;
  rateLimits?: RateLimits;
  retryPolicy?: Partial<RetryPolicy>;
  pricing?: Pricing;
  ledgerFile?: string;
  /** How the cost ledger names the calls (the command that made them). */
  ledgerCommand?: string;
}

export interface ApplyDeps extends SendingDeps {
  signal?: AbortSignal;
  warn?(message: string): void;
  info?(message: string): void;
  /** Spend shared with the caller (scan-and-fix), so max_cost covers the whole run. */
  costs?: CostTracker;
  /** Between SIGTERM and SIGKILL of a verify command. */
  killGraceMs?: number;
  /** Retries go out as batch rows (scan-and-fix `--retry-via batch`): the file waits for its reply. */
  deferRetry?: (retry: DeferredRetry) => void;
}

/** A retry request prepared (as the sync retry builds it) for a batch job instead of being sent. */
export interface DeferredRetry {
  file: string;
  n: number;
  attempt: number;
  /** The retry's send run (`attempt_<k>/<n>_<stem>/`), where its reply is to be recorded. */
  dir: string;
  request: Record<string, unknown>;
  estimatedPromptTokens: number;
  maxTokens: number;
}

/** Resolved once by core's `resolveGenerationSettings` (precedence and the model's limits). */
export type ModelSettings = GenerationSettings;

export interface ApplyFileResult {
  path: string;
  status: FileStatus | "pending";
  /** Attempts made (a refused or diff-only file has one). */
  attempts: number;
  rules: string[];
  /** The last attempt's patch (relative to the project root). */
  patch_file: string | null;
  backup_file: string | null;
  verify: VerifyReport;
  /** null when there was no finding to check (no rule known, or none in the original). */
  finding_gone: boolean | null;
  /** Why the file is not fixed (the last attempt's error). */
  error: string | null;
  /** Each failed attempt's one-line error, in order. */
  errors: string[];
  commit?: string;
}

export interface ApplyResult {
  success: boolean;
  run_dir: string;
  extracted_dir: string | null;
  files: ApplyFileResult[];
  files_fixed: number;
  files_failed: number;
  failure_report: string | null;
  escalation_file?: string;
  commits?: Array<{ file: string; sha: string; rules: string[] }>;
  branch?: string;
  diff_only: boolean;
  /** USD spent by retries and escalation (the first attempt's send is not apply's). */
  total_cost: number;
  state_file: string;
  summary_file: string;
  stopped?: StopReason;
  warnings?: string[];
}
