import path from "node:path";
import { z } from "zod";
import { defineCommand, ExitCode, generationFields, generationOptions, type ExitCodeValue } from "@gembatch/core";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_VERIFY_TIMEOUT_S,
  depsFromContext,
  modelSettings,
  verifyCommands,
} from "./command-deps.js";
import { fixFields, fixOptions } from "./fix-options.js";
import { renderApply } from "./render.js";
import type { StopReason } from "./state.js";
import type { ApplyResult } from "./types.js";

const strings = z.array(z.string().min(1));

const schema = z
  .object({
    ...fixFields,
    extracted_dir: z.string().min(1).optional(),
    run_dir: z.string().min(1).optional(),
    files: strings.optional(),
    issue_report_file: z.string().min(1).optional(),
    rules: strings.optional(),
    diff_only: z.boolean().optional(),
    resume: z.boolean().optional(),
    model: z.string().min(1).optional(),
    ...generationFields,
  })
  .strict()
  .refine((input) => input.extracted_dir !== undefined || input.run_dir !== undefined, {
    message: "required: the output of gembatch extract (or run_dir, a send run)",
    path: ["extracted_dir"],
  });

/**
 * 130 interrupted, 4 budget, 3 API trouble, 1 some file not fixed, 0 every file fixed (or diff only, or batch jobs
 * pending).
 */
export function stopExitCode(stopped: StopReason | undefined, success: boolean): ExitCodeValue {
  if (stopped === "interrupted") return ExitCode.INTERRUPTED;
  if (stopped === "budget") return ExitCode.BUDGET_EXCEEDED;
  if (stopped === "api_error") return ExitCode.API_ERROR;
  // Batch jobs still running: the run did what it could now, and a later --resume picks them up.
  if (stopped === "pending") return ExitCode.OK;
  return success ? ExitCode.OK : ExitCode.ITEMS_FAILED;
}

export const applyCommand = defineCommand({
  name: "apply",
  summary:
    "Diff, back up, apply atomically and verify extracted fixes; retry once with the error; write a failure report",
  positionals: [
    { key: "files", description: "the files to apply (default: every file of the extraction)", variadic: true },
  ],
  options: [
    ...fixOptions,
    {
      key: "extracted_dir",
      type: "string",
      valueName: "dir",
      description: "the output of gembatch extract (tmp/gemini_extracted_<stamp>)",
    },
    {
      key: "run_dir",
      type: "string",
      valueName: "dir",
      description:
        "the send run (tmp/gemini_batch_<stamp>): apply's state, backups and reports go there; alone, it is extracted first",
    },
    {
      key: "issue_report_file",
      type: "string",
      valueName: "path",
      description: "the issue report for a retry (default: the one the send run used)",
    },
    {
      key: "rules",
      type: "string[]",
      valueName: "ids",
      description: "re-scan with these rules: the finding must be gone (default: the report's rule)",
    },
    { key: "diff_only", type: "boolean", description: "write and show the diffs; change nothing" },
    { key: "resume", type: "boolean", description: "continue an interrupted apply in the same run directory" },
    { key: "model", type: "string", description: "model for retries (default: config/env/gemini-flash-latest)" },
    ...generationOptions(),
  ],
  examples: [
    `gembatch apply '{"extracted_dir": "tmp/gemini_extracted_20250715_063317", "files": ["src/a.py"], "verify": "python {file}"}'`,
    "gembatch apply --extracted-dir tmp/gemini_extracted_20250715_063317 --diff-only",
    "gembatch apply --run-dir tmp/gemini_batch_20250715_063222 --verify 'python3 -m unittest' --commit",
    "gembatch apply --run-dir tmp/gemini_batch_20250715_063222 --resume",
    `gembatch apply --run-dir tmp/gemini_batch_20250715_063222 --verify 'ruff check "{file}" && python3 -m pytest -q'   # the path reaches the shell as $GEMBATCH_FILE, never as text`,
  ],
  schema,
  configOverrides: ["model"],
  async run(input, ctx): Promise<ApplyResult> {
    const { runApply } = await import("./run-apply.js");
    const settings = modelSettings(input, ctx);
    return runApply(
      {
        cwd: ctx.cwd,
        projectRoot: ctx.config.projectRoot,
        tmpDir: ctx.config.tmpDir,
        ...(input.extracted_dir ? { extractedDir: input.extracted_dir } : {}),
        ...(input.run_dir ? { runDir: input.run_dir } : {}),
        ...(input.files ? { files: input.files } : {}),
        verify: verifyCommands(input, ctx),
        verifyTimeoutMs: Math.round((input.verify_timeout ?? DEFAULT_VERIFY_TIMEOUT_S) * 1000),
        ...(input.issue_report_file ? { issueReportFile: input.issue_report_file } : {}),
        ...(input.rules ? { rules: input.rules } : {}),
        scanConfig: ctx.config.file.scan,
        maxAttempts: input.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
        diffOnly: input.diff_only ?? false,
        resume: input.resume ?? false,
        escalate: input.escalate ?? false,
        escalationModel: input.escalation_model ?? ctx.config.escalationModel,
        commit: input.commit ?? false,
        allowDirty: input.allow_dirty ?? false,
        ...(input.branch ? { branch: input.branch } : {}),
        settings,
        ...(settings.maxCost === null ? {} : { maxCost: settings.maxCost }),
      },
      depsFromContext(ctx, settings),
    );
  },
  renderText: (result, ctx) => renderApply(result, ctx.config.projectRoot ?? path.resolve(ctx.cwd)),
  exitCode: (result) => stopExitCode(result.stopped, result.success),
});
