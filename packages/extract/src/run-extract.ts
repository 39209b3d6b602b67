import { readFile } from "node:fs/promises";
import path from "node:path";
import { createUniqueDir, localStamp } from "@gembatch/core";
import {
  CONTEXT_JSON,
  CONTEXT_MARKDOWN,
  renderContextMarkdown,
  type ContextSource,
  type ExtractionContext,
} from "./context-file.js";
import { countLines, extractFromText, sha256 } from "./extract-text.js";
import { applyFileFormat, DEFAULT_FORMAT, detectFileFormat } from "./file-format.js";
import { checkOutputDir, resolveInputs } from "./inputs.js";
import { normaliseRequested, shownPath } from "./paths.js";
import { readProjectTarget } from "./project-target.js";
import { checkFixedText } from "./reply-text.js";
import { describeReply, readSummaryResults } from "./run-dir.js";
import type { ExtractedBlock, Refusal } from "./types.js";
import { createTreeWriter } from "./write-output.js";

export interface RunExtractOptions {
  /** A response file, a run directory, or a list of them (relative to cwd). */
  markdownFile: string | readonly string[];
  cwd: string;
  projectRoot: string;
  /** Parent of the default `gemini_extracted_<stamp>` directory. */
  tmpDir: string;
  outputDir?: string;
  /** The paths that may be extracted (project-relative); default: each reply's focus file, or anything. */
  files?: readonly string[];
  dryRun?: boolean;
}

interface RunExtractDeps {
  now?: () => Date;
  info?: (message: string) => void;
  signal?: AbortSignal;
}

interface ExtractedFile {
  path: string;
  lines: number;
  sha256: string;
  bytes: number;
  line_ending: "lf" | "crlf";
  /** Where it was written, project-relative; null in a dry run. */
  output_file: string | null;
  /** The response it came from, project-relative. */
  source: string;
}

interface FileRefusal extends Refusal {
  source: string;
}

export interface ExtractResult {
  success: boolean;
  output_dir: string | null;
  dry_run: boolean;
  responses: number;
  files: ExtractedFile[];
  refused: FileRefusal[];
  warnings: string[];
  context_file: string | null;
  context_json: string | null;
}

interface Pending {
  block: ExtractedBlock;
  source: string;
  sha256Sent?: string;
  focus?: string;
}

function toProjectRelative(file: string, projectRoot: string): string {
  return path.isAbsolute(file) ? path.relative(projectRoot, file).split(path.sep).join("/") : file;
}

/** Several replies may name the same file: identical copies collapse, different ones are all refused. */
function mergeAcrossReplies(pending: Pending[], refused: FileRefusal[], warnings: string[]): Pending[] {
  const byPath = new Map<string, Pending[]>();
  for (const item of pending) byPath.set(item.block.path, [...(byPath.get(item.block.path) ?? []), item]);
  const kept: Pending[] = [];
  for (const [file, list] of byPath) {
    const sources = [...new Set(list.map((p) => p.source))].join(", ");
    if (new Set(list.map((p) => p.block.sha256)).size > 1) {
      for (const p of list)
        refused.push({
          path: file,
          code: "conflicting_blocks",
          reason: `different versions of ${file} in ${sources}`,
          line: p.block.line,
          source: p.source,
        });
    } else {
      if (list.length > 1) warnings.push(`${file}: the same content in ${sources}; extracted once`);
      kept.push(list[0]!);
    }
  }
  return kept;
}

/** Read the replies, extract and check every block, and write the survivors to a fresh output tree. */
export async function runExtract(options: RunExtractOptions, deps: RunExtractDeps = {}): Promise<ExtractResult> {
  const now = deps.now?.() ?? new Date();
  const rel = (file: string) => shownPath(options.projectRoot, file);
  const outputGiven = options.outputDir === undefined ? undefined : path.resolve(options.cwd, options.outputDir);
  if (outputGiven)
    checkOutputDir({ given: options.outputDir!, resolved: outputGiven, projectRoot: options.projectRoot });
  const { responses } = await resolveInputs(options.markdownFile, options.cwd);
  const explicit = options.files?.map(normaliseRequested);
  const reserved = [CONTEXT_MARKDOWN, CONTEXT_JSON];
  const warnings: string[] = [];
  const refused: FileRefusal[] = [];
  const sources: ContextSource[] = [];
  let pending: Pending[] = [];
  const summaries = new Map<string, ReturnType<typeof readSummaryResults>>();

  for (const file of responses) {
    deps.signal?.throwIfAborted();
    const source = rel(file);
    const dir = path.dirname(file);
    if (!summaries.has(dir)) summaries.set(dir, readSummaryResults(dir));
    const reply = await describeReply(file, {
      warn: (m) => warnings.push(`${source}: ${m}`),
      summary: summaries.get(dir),
    });
    const named =
      reply.focusFile === undefined
        ? undefined
        : normaliseRequested(toProjectRelative(reply.focusFile, options.projectRoot));
    const focus = named ?? (explicit?.length === 1 ? explicit[0] : undefined);
    if (reply.finishReason === undefined && !reply.truncated)
      deps.info?.(`${source}: finish reason unknown (no metadata); relying on the END markers`);
    let text = await readFile(file, "utf8");
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const result = extractFromText(text, {
      ...(focus === undefined ? {} : { focusFile: focus }),
      ...(explicit ? { requested: explicit } : focus === undefined ? {} : { requested: [focus] }),
      finishReason: reply.finishReason ?? null,
      ...(reply.truncated === undefined ? {} : { truncated: reply.truncated }),
      ...(reply.fence === undefined ? {} : { expectedFence: reply.fence }),
      reservedPaths: reserved,
      reportMissing: !explicit,
    });
    warnings.push(...result.warnings.map((w) => `${source}: ${w}`));
    refused.push(...result.refused.map((r) => ({ ...r, source })));
    for (const block of result.blocks)
      pending.push({
        block,
        source,
        ...(reply.sha256Sent ? { sha256Sent: reply.sha256Sent } : {}),
        ...(focus ? { focus } : {}),
      });
    sources.push({
      response_file: source,
      meta_file: reply.metaFile ? rel(reply.metaFile) : null,
      focus_file: focus ?? null,
      focus_from: reply.focusFrom ?? null,
      finish_reason: reply.finishReason ?? null,
      blocks: result.blocks.length,
      refused: result.refused.length,
    });
  }

  pending = mergeAcrossReplies(pending, refused, warnings);
  if (explicit) {
    const seen = new Set([...pending.map((p) => p.block.path), ...refused.map((r) => r.path)]);
    for (const want of new Set(explicit)) {
      if (!seen.has(want))
        refused.push({
          path: want,
          code: "missing_file",
          reason: `no reply has a block for ${want}`,
          source: responses.map(rel).join(", "),
        });
    }
  }

  const ready: Array<Pending & { content: string; format: typeof DEFAULT_FORMAT }> = [];
  for (const item of pending) {
    const { block } = item;
    const refuse = (code: FileRefusal["code"], reason: string) =>
      refused.push({ path: block.path, code, reason, line: block.line, source: item.source });
    const target = readProjectTarget(options.projectRoot, block.path);
    if (!target.ok) {
      refuse(target.code, target.reason);
      continue;
    }
    // The original's own characters (a form feed in an old C file) and shebang are its to keep.
    const problem = checkFixedText(block.content, target.original === null ? null : target.original.toString("utf8"));
    if (problem) {
      refuse(problem.code, problem.reason);
      continue;
    }
    const format = target.original ? detectFileFormat(target.original) : DEFAULT_FORMAT;
    if (item.sha256Sent && block.path === item.focus) {
      if (target.original === null)
        warnings.push(
          `${block.path}: no longer exists in the project (it was sent with sha256 ${item.sha256Sent.slice(0, 12)}…)`,
        );
      else if (sha256(target.original) !== item.sha256Sent)
        warnings.push(`${block.path}: changed in the project since it was sent; review the diff with care`);
    }
    ready.push({ ...item, content: applyFileFormat(block.content, format), format });
  }

  // Even with every reply refused the directory is made: its context is what apply reads the refusals from.
  const outputDir = options.dryRun
    ? undefined
    : (outputGiven ?? createUniqueDir(options.tmpDir, `gemini_extracted_${localStamp(now)}`));
  const writer = outputDir ? createTreeWriter(outputDir) : undefined;
  const files: ExtractedFile[] = [];
  for (const item of ready) {
    deps.signal?.throwIfAborted();
    if (writer) {
      try {
        await writer.write(item.block.path, item.content);
      } catch (error) {
        refused.push({
          path: item.block.path,
          code: "write_failed",
          reason: `could not write: ${(error as Error).message}`,
          source: item.source,
        });
        continue;
      }
    }
    files.push({
      path: item.block.path,
      lines: countLines(item.content),
      sha256: item.content === item.block.content ? item.block.sha256 : sha256(item.content),
      bytes: Buffer.byteLength(item.content),
      line_ending: item.format.eol === "\r\n" ? "crlf" : "lf",
      output_file: outputDir ? rel(path.join(outputDir, item.block.path)) : null,
      source: item.source,
    });
  }

  const result: ExtractResult = {
    success: refused.length === 0 && files.length > 0,
    output_dir: outputDir ? rel(outputDir) : null,
    dry_run: Boolean(options.dryRun),
    responses: responses.length,
    files,
    refused,
    warnings,
    context_file: null,
    context_json: null,
  };
  if (outputDir) {
    const context: ExtractionContext = {
      created_at: now.toISOString(),
      output_dir: rel(outputDir),
      sources,
      files,
      refused,
      warnings,
    };
    await writer!.write(CONTEXT_JSON, `${JSON.stringify(context, null, 2)}\n`);
    await writer!.write(CONTEXT_MARKDOWN, renderContextMarkdown(context));
    result.context_file = rel(path.join(outputDir, CONTEXT_MARKDOWN));
    result.context_json = rel(path.join(outputDir, CONTEXT_JSON));
  }
  return result;
}
