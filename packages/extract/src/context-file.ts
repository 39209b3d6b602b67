import { CliError, readProjectFile } from "@gembatch/core";
import { z } from "zod";
import type { ExtractResult } from "./run-extract.js";

export const CONTEXT_MARKDOWN = "EXTRACTION_CONTEXT.md";
export const CONTEXT_JSON = "EXTRACTION_CONTEXT.json";

export interface ContextSource {
  response_file: string;
  meta_file: string | null;
  focus_file: string | null;
  focus_from: string | null;
  finish_reason: string | null;
  blocks: number;
  refused: number;
}

/** Every path in it is project-relative (absolute only outside the project), so any later run can resolve it. */
export interface ExtractionContext {
  created_at: string;
  output_dir: string;
  sources: ContextSource[];
  files: ExtractResult["files"];
  refused: ExtractResult["refused"];
  warnings: string[];
}

/** The part of EXTRACTION_CONTEXT.json a later step (apply) reads back; the rest is for people. */
const ContextFileSchema = z.looseObject({
  files: z.array(z.looseObject({ path: z.string(), source: z.string().optional() })),
  refused: z.array(
    z.looseObject({ path: z.string().nullable(), code: z.string(), reason: z.string(), source: z.string().optional() }),
  ),
  sources: z.array(z.looseObject({ response_file: z.string() })),
});

type ContextFile = z.infer<typeof ContextFileSchema>;

/**
 * Read `<dir>/EXTRACTION_CONTEXT.json` as `gembatch extract` wrote it, through core's guard (a regular
 * file of the directory, never a link out of it). Nothing in it is trusted: the paths it names are
 * checked where they are read or written. Errors name `field` and show the directory as `shown`.
 */
export function readExtractionContext(
  dir: string,
  options: { field: string; shown: string; hint?: string },
): ContextFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readProjectFile(dir, CONTEXT_JSON, { field: options.field }).bytes.toString("utf8"));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = code === "ENOENT" || code === "FILE_NOT_FOUND";
    throw new CliError(
      missing ? "FILE_NOT_FOUND" : "BAD_INPUT",
      `${options.field}: ${missing ? "no" : "unreadable"} ${CONTEXT_JSON} in ${options.shown}`,
      { hint: options.hint ?? "pass the output_dir of `gembatch extract` (tmp/gemini_extracted_<stamp>)" },
    );
  }
  const parsed = ContextFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new CliError(
      "BAD_INPUT",
      `${options.field}: ${CONTEXT_JSON} does not have the shape gembatch extract writes`,
    );
  return parsed.data;
}

/** Reasons and hints may quote `<!-- … -->`: escaped, they neither vanish when rendered nor read as markers. */
const text = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const cell = (value: string | number | null) => text(String(value ?? "—")).replace(/\|/g, "\\|");

/** The human half of the extraction context: where each file came from, what was refused, what to do next. */
export function renderContextMarkdown(context: ExtractionContext): string {
  const out: string[] = [
    "# Extraction context",
    "",
    `- Created: ${context.created_at}`,
    `- Output: \`${context.output_dir}\``,
    "- Paths: relative to the project root",
    "",
  ];
  out.push(
    "## Source responses",
    "",
    "| response | focus file | from | finish reason | extracted | refused |",
    "|---|---|---|---|---|---|",
  );
  for (const s of context.sources)
    out.push(
      `| ${[s.response_file, s.focus_file, s.focus_from, s.finish_reason, s.blocks, s.refused].map(cell).join(" | ")} |`,
    );
  out.push("", "## Files", "");
  if (context.files.length === 0) out.push("None.");
  else {
    out.push("| path | lines | bytes | line ending | sha256 | source |", "|---|---|---|---|---|---|");
    for (const f of context.files)
      out.push(`| ${[f.path, f.lines, f.bytes, f.line_ending, f.sha256, f.source].map(cell).join(" | ")} |`);
  }
  out.push("", "## Refused", "");
  if (context.refused.length === 0) out.push("None.");
  for (const r of context.refused) {
    const where = r.line === undefined ? r.source : `${r.source}, line ${r.line}`;
    out.push(
      `- \`${r.path ?? "(no path)"}\` — **${r.code}**: ${text(r.reason)} (${where})${r.hint ? `. Hint: ${text(r.hint)}` : ""}`,
    );
  }
  out.push("", "## Warnings", "");
  if (context.warnings.length === 0) out.push("None.");
  for (const w of context.warnings) out.push(`- ${text(w)}`);
  if (context.files.length > 0) {
    out.push(
      "",
      "## Next steps",
      "",
      "Review each file against the project before applying it (from the project root):",
      "",
      "```sh",
    );
    for (const f of context.files) out.push(`diff -u ${f.path} ${context.output_dir}/${f.path}`);
    out.push("```");
  }
  return `${out.join("\n")}\n`;
}
