import path from "node:path";
import { z } from "zod";
import { defineCommand, type CommandContext } from "@gembatch/core";
import { createScanCommand, type ScanReportWriter } from "@gembatch/scan/cli";
import { writeReportsForFindings } from "./from-findings.js";
import type { ReportResult } from "./run-report.js";
import { tokenLimitFor } from "./write-report.js";

const strings = z.array(z.string().min(1));

const schema = z
  .object({
    issue: z.string().min(1),
    files_to_fix: strings.min(1, "list at least one file"),
    details: z.string().optional(),
    details_file: z.string().min(1).optional(),
    context_files: strings.optional(),
    context_globs: strings.optional(),
    include_imports: z.boolean().optional(),
    import_depth: z.number().int().min(1).max(10).optional(),
    project: z.string().min(1).optional(),
    task: z.string().min(1).optional(),
    status: z.string().min(1).optional(),
    max_context_tokens: z.number().int().positive().optional(),
    output_file: z.string().min(1).optional(),
  })
  .strict()
  .refine((input) => !(input.details !== undefined && input.details_file !== undefined), {
    message: "give details or details_file, not both",
    path: ["details_file"],
  });

export type { ReportResult } from "./run-report.js";

function projectName(ctx: CommandContext): string {
  return path.basename(ctx.config.projectRoot);
}

export const reportCommand = defineCommand({
  name: "report",
  summary: "Write an issue report (tmp/issues/fix_<issue>.md) with the files to fix and all the context Gemini needs",
  positionals: [
    { key: "files_to_fix", description: "the files to fix (they are included as context too)", variadic: true },
  ],
  options: [
    { key: "issue", type: "string", valueName: "name", description: "issue name: the report title and fix_<issue>.md" },
    { key: "details", type: "string", valueName: "text", description: "what is wrong and what to do (markdown)" },
    { key: "details_file", type: "string", valueName: "file", description: "read the details from this file" },
    { key: "context_files", type: "string[]", valueName: "files", description: "more files for context" },
    {
      key: "context_globs",
      type: "string[]",
      valueName: "globs",
      description: "more files for context, by glob (relative to the current directory)",
    },
    {
      key: "include_imports",
      type: "boolean",
      description: "add the local files that the files to fix import (Python, TS/JS)",
    },
    {
      key: "import_depth",
      type: "number",
      valueName: "n",
      description: "with --include-imports: follow imports this many levels (default 1)",
    },
    {
      key: "project",
      type: "string",
      valueName: "text",
      description: "the Project line (default: the project directory's name)",
    },
    { key: "task", type: "string", valueName: "text", description: "the Task line" },
    {
      key: "status",
      type: "string",
      valueName: "text",
      description: 'the Status line (default "BLOCKED - Issues need fixing")',
    },
    {
      key: "max_context_tokens",
      type: "number",
      valueName: "n",
      description: "refuse a report estimated above this many tokens (default: the model's input limit)",
    },
    {
      key: "output_file",
      type: "string",
      valueName: "file",
      description: "write here instead of <issues dir>/fix_<issue>.md",
    },
  ],
  examples: [
    "gembatch report --issue logger_bind src/arango_log_sink.py src/agent_log_manager.py --details 'logger.bind() is deprecated'",
    `gembatch report '{"issue": "logger_bind", "files_to_fix": ["src/sink.py"], "details": "...", "context_globs": ["src/logging/*.py"], "include_imports": true}'`,
  ],
  schema,
  async run(input, ctx): Promise<ReportResult> {
    const { runReport } = await import("./run-report.js");
    return runReport(
      {
        issue: input.issue,
        filesToFix: input.files_to_fix,
        details: input.details,
        detailsFile: input.details_file,
        contextFiles: input.context_files,
        contextGlobs: input.context_globs,
        includeImports: input.include_imports,
        importDepth: input.import_depth,
        project: input.project,
        task: input.task,
        status: input.status,
        maxContextTokens: input.max_context_tokens,
        outputFile: input.output_file,
        cwd: ctx.cwd,
        projectRoot: ctx.config.projectRoot,
        issuesDir: ctx.config.issuesDir,
        model: ctx.config.model,
        pricing: ctx.config.pricing,
      },
      { warn: (message) => ctx.warn(message) },
    );
  },
  renderText(result) {
    const width = Math.max(...result.context_files.map((f) => f.path.length));
    const rows = result.context_files.map(
      (f) => `  ${f.path.padEnd(width)}  ~${String(f.tokens).padStart(7)} tokens  ${f.reason}`,
    );
    return [
      `Wrote ${result.report_file}: ${result.files_to_fix.length} file(s) to fix, ${result.context_files.length} context file(s), ~${result.total_tokens} tokens (limit ${result.token_limit}, ${result.token_limit_source}).`,
      ...rows,
    ].join("\n");
  },
});

/** `scan --report`: one report per rule with findings, through the same writer. */
export const scanReportWriter: ScanReportWriter = {
  async write({ input, findings, run, ctx }) {
    const tokenLimit = tokenLimitFor({
      model: ctx.config.model,
      pricing: ctx.config.pricing,
      maxContextTokens: input.max_context_tokens,
      warn: (m) => ctx.warn(m),
    });
    return writeReportsForFindings({
      root: run.root,
      issuesDir: ctx.config.issuesDir,
      findings,
      rules: run.rules,
      project: projectName(ctx),
      tokenLimit,
      includeImports: input.include_imports ?? false,
      cwd: ctx.cwd,
      warn: (message) => ctx.warn(message),
    });
  },
};

/** The `scan` command with `--report`; register this one in the umbrella CLI. */
export const scanCommand = createScanCommand(scanReportWriter);
