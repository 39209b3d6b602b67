import { createHash } from "node:crypto";
import { detectElision } from "./elision.js";
import { checkRelativePath, normaliseRequested } from "./paths.js";
import { scanReply, type RawBlock } from "./scan-reply.js";
import type { ExtractedBlock, ExtractTextOptions, ExtractTextResult, Refusal } from "./types.js";

const NO_MARKERS_HINT =
  "the model did not follow the format: check the response file by hand, then send the file again " +
  "(the request must ask for <!-- CODE_FILE_START: path --> and <!-- CODE_FILE_END: path --> around a fenced block)";

/** Hex SHA-256 of a string (as UTF-8) or of raw bytes. */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

export function countLines(content: string): number {
  if (content === "") return 0;
  let count = 0;
  for (let i = content.indexOf("\n"); i !== -1; i = content.indexOf("\n", i + 1)) count++;
  return content.endsWith("\n") ? count : count + 1;
}

/** Only STOP is a clean finish; MAX_TOKENS, SAFETY, RECITATION and the rest cut the reply short. */
export function stoppedEarly(finishReason: string | null | undefined, truncated?: boolean): string | undefined {
  if (truncated) return finishReason && finishReason.toUpperCase() !== "STOP" ? finishReason : "truncated";
  if (finishReason === undefined || finishReason === null || finishReason === "") return undefined;
  return finishReason.toUpperCase() === "STOP" ? undefined : finishReason;
}

type Candidate = ExtractedBlock;

function judgeBlock(
  raw: RawBlock,
  options: ExtractTextOptions,
  requested: Set<string> | undefined,
  stop: string | undefined,
): Candidate | Refusal {
  const named = raw.startPath ?? raw.endPath ?? options.focusFile;
  const checked = named === undefined ? undefined : checkRelativePath(named, options.reservedPaths);
  const shownPath = checked?.ok ? checked.path : (named ?? null);
  const refuse = (code: Refusal["code"], reason: string, line = raw.line): Refusal => ({
    path: shownPath,
    code,
    reason,
    line,
  });

  // The finish reason is the root cause when both apply: a MAX_TOKENS reply usually also lacks its END marker.
  if (stop) {
    return refuse(
      "truncated",
      stop === "truncated"
        ? "the sender marked the reply as truncated"
        : `the reply stopped early (finish reason ${stop}), so the file may be incomplete`,
    );
  }
  if (raw.problem)
    return refuse(raw.problem.code, raw.problem.reason, "line" in raw.problem ? raw.problem.line : raw.line);
  if (!checked) return refuse("no_path", "the markers name no path and the request's focus file is unknown");
  if (!checked.ok) return refuse(checked.code, checked.reason);
  if (requested && !requested.has(checked.path)) {
    return refuse("not_requested", `${checked.path} was not asked for (asked: ${[...requested].join(", ") || "none"})`);
  }
  const content = raw.content ?? "";
  if (content.trim() === "") return refuse("empty", "the block holds no code");
  const elision = detectElision(content, checked.path.includes(".") ? checked.path : (raw.language ?? checked.path));
  if (elision) {
    return refuse(
      "elided",
      `line ${elision.line} of the file is a placeholder, not code: ${JSON.stringify(elision.text)}`,
      raw.contentLine + elision.line - 1,
    );
  }
  return {
    path: checked.path,
    content,
    lines: countLines(content),
    sha256: sha256(content),
    ...(raw.language ? { language: raw.language } : {}),
    line: raw.line,
  };
}

function isRefusal(value: Candidate | Refusal): value is Refusal {
  return "code" in value;
}

/**
 * Pull every complete file out of one reply. Pure: no file system, no clock. Content comes back with LF
 * line endings and a final newline; match it to the original file with `applyFileFormat`.
 */
export function extractFromText(text: string, options: ExtractTextOptions = {}): ExtractTextResult {
  const { blocks: raws, strayEndLines } = scanReply(text);
  const warnings: string[] = [];
  const refused: Refusal[] = [];
  if (strayEndLines.length > 0)
    warnings.push(`CODE_FILE_END marker with no START marker at line ${strayEndLines.join(", ")}`);
  const requested = options.requested ? new Set(options.requested.map(normaliseRequested)) : undefined;
  const stop = stoppedEarly(options.finishReason, options.truncated);
  const focus = options.focusFile === undefined ? null : normaliseRequested(options.focusFile);

  if (raws.length === 0) {
    if (stop)
      refused.push({
        path: focus,
        code: "truncated",
        reason: `the reply stopped early (finish reason ${stop}) before any code markers`,
      });
    else {
      const empty = text.trim() === "" ? " (the reply is empty)" : "";
      refused.push({
        path: focus,
        code: "no_markers",
        reason: `Code markers not found in response${empty}`,
        hint: NO_MARKERS_HINT,
      });
    }
    return { blocks: [], refused, warnings };
  }

  const expected = options.expectedFence?.trim();
  const byPath = new Map<string, Candidate[]>();
  const refusedPaths = new Set<string>();
  for (const raw of raws) {
    if (expected && raw.fence && raw.fence.length < expected.length) {
      warnings.push(
        `line ${raw.line}: the model used a ${raw.fence.length}-character fence where ${expected.length} were asked for`,
      );
    }
    const verdict = judgeBlock(raw, options, requested, stop);
    if (isRefusal(verdict)) {
      refused.push(verdict);
      if (verdict.path !== null) refusedPaths.add(verdict.path);
      continue;
    }
    const list = byPath.get(verdict.path) ?? [];
    list.push(verdict);
    byPath.set(verdict.path, list);
  }

  const blocks: ExtractedBlock[] = [];
  for (const [path, list] of byPath) {
    const distinct = new Set(list.map((b) => b.sha256));
    const lines = list.map((b) => b.line).join(", ");
    if (distinct.size > 1) {
      refused.push({
        path,
        code: "conflicting_blocks",
        reason: `${list.length} different blocks for ${path} (START markers at lines ${lines})`,
        line: list[0]!.line,
      });
    } else if (refusedPaths.has(path)) {
      refused.push({
        path,
        code: "conflicting_blocks",
        reason: `another block for ${path} was refused, so which one the model meant is unclear`,
        line: list[0]!.line,
      });
    } else {
      if (list.length > 1) warnings.push(`${path}: ${list.length} identical blocks (lines ${lines}); extracted once`);
      blocks.push(list[0]!);
    }
  }
  if (requested && options.reportMissing !== false) {
    const seen = new Set([...blocks.map((b) => b.path), ...refused.map((r) => r.path)]);
    for (const want of requested) {
      if (!seen.has(want))
        refused.push({ path: want, code: "missing_file", reason: `the reply has no block for ${want}` });
    }
  }
  return { blocks, refused, warnings };
}

/**
 * True when the reply holds at least one complete block (START marker, closed fence or bare code, END
 * marker) for `path`, or for any path when none is given. A block whose markers name no path counts for
 * any path, since extraction would give it the request's focus file.
 */
export function hasCompleteMarkers(text: string, path?: string): boolean {
  const want = path === undefined ? undefined : normaliseRequested(path);
  return scanReply(text).blocks.some((block) => {
    if (block.problem || block.content === undefined) return false;
    const named = block.startPath ?? block.endPath;
    return want === undefined || named === undefined || normaliseRequested(named) === want;
  });
}
