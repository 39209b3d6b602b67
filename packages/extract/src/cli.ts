import { z } from "zod";
import { defineCommand, escapeForTerminal, ExitCode } from "@gembatch/core";
import type { ExtractResult } from "./run-extract.js";

const pathText = z.string().min(1);

const schema = z
  .object({
    markdown_file: z.union([pathText, z.array(pathText).min(1)], {
      error: (issue) =>
        issue.input === undefined
          ? "required (a response file, a run directory, or a list of them)"
          : "expected a path or a list of paths",
    }),
    output_dir: pathText.optional(),
    files: z.array(pathText).min(1).optional(),
    dry_run: z.boolean().optional(),
  })
  .strict();

export type ExtractInput = z.output<typeof schema>;

function renderText(result: ExtractResult): string {
  const count = `${result.files.length} file(s)`;
  const lines = [
    result.dry_run
      ? `Would extract ${count} (dry run, nothing written)`
      : result.files.length === 0
        ? `Extracted 0 file(s); only the extraction context written to ${result.output_dir}/`
        : `Extracted ${count} to ${result.output_dir}/`,
  ];
  for (const f of result.files)
    lines.push(
      `  ${f.path}  ${f.lines} line${f.lines === 1 ? "" : "s"}${f.output_file ? `  -> ${f.output_file}` : ""}`,
    );
  if (result.refused.length > 0) {
    lines.push(`Refused ${result.refused.length}:`);
    for (const r of result.refused) {
      const where = r.line === undefined ? r.source : `${r.source}:${r.line}`;
      lines.push(`  ${r.path ?? "(no path)"}: ${r.code}: ${r.reason} (${where})`);
      if (r.hint) lines.push(`    hint: ${r.hint}`);
    }
  }
  if (result.context_file) lines.push(`Context: ${result.context_file}`);
  // Paths and reasons come from replies and from the repository: their control characters are shown, not obeyed.
  return escapeForTerminal(lines.join("\n"));
}

export const extractCommand = defineCommand({
  name: "extract",
  summary: "Pull the complete fixed files out of Gemini replies into tmp/gemini_extracted_<stamp>/",
  description:
    "Pull the complete fixed files out of Gemini replies (CODE_FILE_START/END markers around a fenced block) " +
    "into tmp/gemini_extracted_<stamp>/<path>. Truncated (MAX_TOKENS, no END marker), elided, empty, " +
    "unsafe, unrequested and conflicting blocks are refused and reported; nothing of them is written.",
  positionals: [{ key: "markdown_file", description: "response file(s) or run directory(ies)", variadic: true }],
  options: [
    {
      key: "markdown_file",
      type: "string[]",
      valueName: "paths",
      description: "response file(s) (response_<n>_<name>.md) or run directory(ies)",
    },
    {
      key: "output_dir",
      type: "string",
      valueName: "dir",
      description: "write here instead of tmp/gemini_extracted_<stamp>",
    },
    {
      key: "files",
      type: "string[]",
      valueName: "paths",
      description: "only these project paths may be extracted (default: each reply's focus file)",
    },
    { key: "dry_run", type: "boolean", description: "check and report, write nothing" },
  ],
  examples: [
    `gembatch extract '{"markdown_file": "tmp/gemini_batch_20250715_063222/response_1_arango_log_sink.md"}'`,
    "gembatch extract tmp/gemini_batch_20250715_063222",
    "gembatch extract reply.md --files src/a.py --dry-run --json",
  ],
  schema,
  async run(input, ctx) {
    const { runExtract } = await import("./run-extract.js");
    const result = await runExtract(
      {
        markdownFile: input.markdown_file,
        cwd: ctx.cwd,
        projectRoot: ctx.config.projectRoot,
        tmpDir: ctx.config.tmpDir,
        ...(input.output_dir === undefined ? {} : { outputDir: input.output_dir }),
        ...(input.files === undefined ? {} : { files: input.files }),
        ...(input.dry_run === undefined ? {} : { dryRun: input.dry_run }),
      },
      { now: () => new Date(ctx.clock.now()), info: (m) => ctx.info(m), signal: ctx.signal },
    );
    for (const warning of result.warnings) ctx.warn(warning);
    return result;
  },
  renderText,
  exitCode: (result) => (result.success ? ExitCode.OK : ExitCode.ITEMS_FAILED),
});
