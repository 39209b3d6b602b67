/**
 * Which commands are tools, under which names, and what an agent must know before calling one: whether
 * it changes files, spends money or talks to Google, and which of its fields name paths (those are
 * checked against the project root before the command runs).
 */
interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

interface PathField {
  key: string;
}

export interface ToolSpec {
  /** The MCP tool name (`submit-status`). */
  name: string;
  /** The command and subcommand it runs (`["submit", "status"]`). */
  command: [string] | [string, string];
  title: string;
  /** What the call does to the project and the bill; put before the command's own summary. */
  effects: string;
  annotations: ToolAnnotations;
  paths: PathField[];
  /** Takes `max_cost` and spends money: held to the server's `--max-cost`. */
  spends?: boolean;
  /** Fields a tool call may not set, with why: the server's own environment decides them. */
  refused?: Record<string, string>;
}

const local = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

const DRY_RUN = "dry_run: true writes the requests and a cost estimate and sends nothing.";
const MAX_COST = "max_cost (USD) stops before the request that would cross it (result stopped: budget, exit 4).";

export const TOOLS: ToolSpec[] = [
  {
    name: "scan",
    command: ["scan"],
    title: "Scan for code to fix",
    effects:
      "Local, no API call, no cost. Changes no source file; report: true writes issue reports under tmp/issues, sarif writes that file.",
    annotations: { ...local, idempotentHint: true },
    paths: [{ key: "paths" }, { key: "rules_file" }, { key: "sarif" }, { key: "baseline" }],
  },
  {
    name: "report",
    command: ["report"],
    title: "Write an issue report",
    effects:
      "Local, no API call, no cost. Writes one issue report (default tmp/issues/fix_<issue>.md); changes no source file.",
    annotations: { ...local, idempotentHint: true },
    paths: [{ key: "files_to_fix" }, { key: "details_file" }, { key: "context_files" }, { key: "output_file" }],
  },
  {
    name: "send",
    command: ["send"],
    title: "Send files to Gemini (costs money)",
    effects: `SPENDS MONEY: one Gemini request per file. Writes a new run directory; changes no source file. ${DRY_RUN} ${MAX_COST} Cancelling saves the run; resume: true with the same output_dir continues it.`,
    annotations: { ...local, openWorldHint: true },
    spends: true,
    paths: [{ key: "issue_report_file" }, { key: "files_to_fix" }, { key: "output_dir" }],
  },
  {
    name: "extract",
    command: ["extract"],
    title: "Extract fixed files from replies",
    effects:
      "Local, no API call, no cost. Writes the extracted files to a new directory under tmp; changes no source file. dry_run: true writes nothing.",
    annotations: { ...local, idempotentHint: true },
    paths: [{ key: "markdown_file" }, { key: "output_dir" }, { key: "files" }],
  },
  {
    name: "apply",
    command: ["apply"],
    title: "Apply and verify fixes (changes files, may cost money)",
    effects: `CHANGES SOURCE FILES (backed up, restored when both attempts fail) and runs the verify commands; a failed verify is retried with Gemini, which SPENDS MONEY. diff_only: true changes nothing. ${MAX_COST}`,
    annotations: { ...local, destructiveHint: true, openWorldHint: true },
    spends: true,
    paths: [{ key: "extracted_dir" }, { key: "run_dir" }, { key: "issue_report_file" }, { key: "files" }],
  },
  {
    name: "scan-and-fix",
    command: ["scan-and-fix"],
    title: "Scan, fix, apply and verify (changes files, costs money)",
    effects: `CHANGES SOURCE FILES and SPENDS MONEY: scan → report → send → extract → apply/verify/retry. ${DRY_RUN} ${MAX_COST} Cancelling saves the run; resume: true continues it.`,
    annotations: { ...local, destructiveHint: true, openWorldHint: true },
    spends: true,
    paths: [{ key: "paths" }, { key: "output_dir" }],
  },
  {
    name: "submit",
    command: ["submit"],
    title: "Submit JSONL batches to the Batch API (costs money)",
    effects:
      "SPENDS MONEY: uploads each *.jsonl file in dir and creates one Batch API job for it (never twice). Writes the state, log and report files in work_dir. Cancelling saves the state; calling again resumes.",
    annotations: { ...local, openWorldHint: true },
    paths: [{ key: "dir" }, { key: "work_dir" }],
  },
  {
    name: "submit-status",
    command: ["submit", "status"],
    title: "Batch job status",
    effects: "Reads the jobs' state from the Batch API; no cost. Updates the local state file.",
    annotations: { ...local, idempotentHint: true, openWorldHint: true },
    paths: [{ key: "work_dir" }],
  },
  {
    name: "submit-download",
    command: ["submit", "download"],
    title: "Download batch results",
    effects: "Downloads finished jobs' results into output_dir; no cost.",
    annotations: { ...local, idempotentHint: true, openWorldHint: true },
    // `out` is the former name of output_dir, still accepted, so it is guarded too.
    paths: [{ key: "work_dir" }, { key: "output_dir" }, { key: "out" }],
  },
  {
    name: "submit-collect",
    command: ["submit", "collect"],
    title: "Collect batch results by key",
    effects: "Local, no API call. Merges downloaded results by key and writes the merged and resubmission JSONL files.",
    annotations: { ...local, idempotentHint: true },
    paths: [{ key: "work_dir" }, { key: "results_dir" }, { key: "output_file" }, { key: "out" }, { key: "resubmit" }],
  },
  {
    name: "submit-cancel",
    command: ["submit", "cancel"],
    title: "Cancel batch jobs",
    effects:
      "CANCELS running Batch API jobs (all of this work_dir, or the batches listed); their unfinished requests are lost.",
    annotations: { ...local, destructiveHint: true, openWorldHint: true },
    paths: [{ key: "work_dir" }],
  },
  {
    name: "costs",
    command: ["costs"],
    title: "What Gemini calls cost",
    effects: "Read only: sums the local cost ledger.",
    annotations: readOnly,
    paths: [{ key: "ledger_file" }],
  },
  {
    name: "doctor",
    command: ["doctor"],
    title: "Check the set-up",
    effects:
      "Read only. Makes one one-token API call (a fraction of a cent) unless skip_api_call is true; never shows the key.",
    annotations: { ...readOnly, openWorldHint: true },
    paths: [],
    // The call sends the API key to that URL: over MCP it is the server's setting, not the caller's.
    refused: {
      base_url:
        "the API host comes from the server's GEMBATCH_BASE_URL or gembatch.config.json, never from a tool call (the key is sent there)",
    },
  },
];
