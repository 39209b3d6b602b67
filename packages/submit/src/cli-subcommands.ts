import { z } from "zod";
import { defineCommand, ExitCode } from "@gembatch/core";
import { statusCommand, workDirOption } from "./cli-status.js";
import { buildDeps } from "./deps.js";
import { argPath } from "./paths.js";
import type { CancelResult } from "./run-cancel.js";
import type { CollectResult, DownloadResult } from "./run-results.js";

export { statusCommand };

export const downloadCommand = defineCommand({
  name: "download",
  summary: "Stream each succeeded job's results to <output_dir>/batch_NNNN.jsonl (skips what is complete)",
  positionals: [{ key: "batches", description: "batch numbers (default: all)", variadic: true, type: "number" }],
  options: [
    workDirOption,
    {
      key: "output_dir",
      type: "string",
      valueName: "dir",
      description: "output folder, relative to the current directory (default: <work-dir>/gemini_batch_results)",
      aliases: ["out"],
    },
  ],
  examples: [
    "gembatch submit download",
    "gembatch submit download --output-dir gemini_batch_results/",
    "gembatch submit download 81 82",
  ],
  schema: z
    .object({
      work_dir: z.string().min(1).optional(),
      output_dir: z.string().min(1).optional(),
      batches: z.array(z.number().int().positive()).optional(),
    })
    .strict(),
  async run(input, ctx): Promise<DownloadResult> {
    const root = ctx.config.projectRoot;
    const outputDir =
      input.output_dir === undefined
        ? undefined
        : argPath({ cwd: ctx.cwd, projectRoot: root }, input.output_dir, "output_dir");
    const { runDownload } = await import("./run-results.js");
    const { deps, workDir, close } = await buildDeps(ctx, input);
    try {
      return await runDownload(
        {
          workDir,
          projectRoot: root,
          ...(outputDir === undefined ? {} : { outputDir }),
          ...(input.batches === undefined ? {} : { batches: input.batches }),
        },
        deps,
      );
    } finally {
      await close();
    }
  },
  renderText(result) {
    const count = (s: DownloadResult["downloads"][number]["status"]) =>
      result.downloads.filter((d) => d.status === s).length;
    const lines = [
      `Downloaded ${count("downloaded")}, already complete ${count("already_complete")}, not finished ${count("not_succeeded")}, failed ${count("failed")} → ${result.out_dir}`,
    ];
    for (const d of result.downloads.filter((x) => x.status === "failed"))
      lines.push(`  ✗ batch ${d.batch}: ${d.error}`);
    return lines.join("\n");
  },
});

export const collectCommand = defineCommand({
  name: "collect",
  summary: "Merge results by request key; list missing, failed and truncated keys; write a resubmission file",
  options: [
    workDirOption,
    {
      key: "results_dir",
      type: "string",
      valueName: "dir",
      description: "where download put the results (default: <work-dir>/gemini_batch_results)",
    },
    {
      key: "output_file",
      type: "string",
      valueName: "file",
      description: "merged JSONL, relative to the current directory (default: <results-dir>/collected_results.jsonl)",
      aliases: ["out"],
    },
    {
      key: "resubmit",
      type: "string",
      valueName: "file",
      description: "resubmission JSONL, relative to the current directory (default: <results-dir>/resubmit.jsonl)",
    },
  ],
  examples: [
    "gembatch submit collect",
    "gembatch submit collect --output-file merged.jsonl --resubmit retry/resubmit.jsonl",
    "gembatch submit collect --json",
  ],
  schema: z
    .object({
      work_dir: z.string().min(1).optional(),
      results_dir: z.string().min(1).optional(),
      output_file: z.string().min(1).optional(),
      resubmit: z.string().min(1).optional(),
    })
    .strict(),
  async run(input, ctx): Promise<CollectResult> {
    const root = ctx.config.projectRoot;
    const arg = (value: string | undefined, field: string) =>
      value === undefined ? undefined : argPath({ cwd: ctx.cwd, projectRoot: root }, value, field);
    const given = {
      resultsDir: arg(input.results_dir, "results_dir"),
      outputFile: arg(input.output_file, "output_file"),
      resubmitFile: arg(input.resubmit, "resubmit"),
    };
    const { runCollect } = await import("./run-results.js");
    const { deps, workDir, close } = await buildDeps(ctx, input);
    try {
      return await runCollect(
        {
          workDir,
          projectRoot: root,
          ...(given.resultsDir === undefined ? {} : { resultsDir: given.resultsDir }),
          ...(given.outputFile === undefined ? {} : { outputFile: given.outputFile }),
          ...(given.resubmitFile === undefined ? {} : { resubmitFile: given.resubmitFile }),
          pricing: ctx.config.pricing,
          ledgerFile: ctx.config.ledgerFile,
        },
        deps,
      );
    } finally {
      await close();
    }
  },
  renderText(r) {
    const lines = [
      `${r.results}/${r.requests} requests have a result: ${r.succeeded} ok, ${r.failed_keys.length} failed, ${r.truncated_keys.length} truncated; ${r.missing_keys.length} missing${r.duplicate_keys.length ? `, ${r.duplicate_keys.length} duplicated` : ""}.`,
      `Cost at batch prices: $${r.cost.toFixed(6)}${r.unpriced_rows ? ` (+${r.unpriced_rows} rows on models without a price)` : ""}.`,
      `Merged: ${r.output_file}`,
    ];
    if (r.missing_result_files.length)
      lines.push(`No result file for batches ${r.missing_result_files.join(", ")}: run gembatch submit download.`);
    if (r.resubmit_file) lines.push(`Resubmit: ${r.resubmit_file}`);
    return lines.join("\n");
  },
});

export const cancelCommand = defineCommand({
  name: "cancel",
  summary: "Cancel running jobs (the given batch numbers, or every active one)",
  positionals: [
    { key: "batches", description: "batch numbers (default: every active job)", variadic: true, type: "number" },
  ],
  options: [workDirOption],
  examples: ["gembatch submit cancel", "gembatch submit cancel 81 82"],
  schema: z
    .object({ work_dir: z.string().min(1).optional(), batches: z.array(z.number().int().positive()).optional() })
    .strict(),
  async run(input, ctx): Promise<CancelResult> {
    const { runCancel } = await import("./run-cancel.js");
    const { deps, close } = await buildDeps(ctx, input);
    try {
      return await runCancel(input.batches === undefined ? {} : { batches: input.batches }, deps);
    } finally {
      await close();
    }
  },
  exitCode: (r) => (r.success ? ExitCode.OK : ExitCode.ITEMS_FAILED),
  renderText(r) {
    if (r.cancelled.length === 0) return "No active jobs to cancel.";
    return r.cancelled
      .map((c) => (c.error ? `✗ batch ${c.batch}: ${c.error}` : `batch ${c.batch}: ${c.job_name} → ${c.state}`))
      .join("\n");
  },
});
