import {
  classifyFenceLine,
  fenceLanguage,
  isBlank,
  lineText,
  mayBeMarker,
  parseMarkerLine,
  parseOpeningFence,
  type Fence,
} from "./markers.js";

type BlockProblem =
  | { code: "no_end_marker"; reason: string }
  | { code: "marker_mismatch"; reason: string }
  | { code: "ambiguous_fence"; reason: string; line: number };

/** One START marker and what followed it, before any path or content policy is applied. */
export interface RawBlock {
  startPath: string | undefined;
  endPath: string | undefined;
  /** 1-based line of the START marker. */
  line: number;
  /** 1-based line of the block's first content line in the reply. */
  contentLine: number;
  fence: Fence | undefined;
  language: string | undefined;
  /** Content as LF lines, each terminated; undefined when the block never completed. */
  content: string | undefined;
  problem: BlockProblem | undefined;
}

interface ScanResult {
  blocks: RawBlock[];
  /** END markers with no open block. */
  strayEndLines: number[];
}

type State = "outside" | "await_fence" | "in_fence" | "after_fence";

/** Remove up to `indent` leading whitespace characters from every line (CommonMark fence indentation). */
function dedent(content: string, indent: number): string {
  if (indent === 0) return content;
  const pattern = new RegExp(`^[ \\t]{1,${indent}}`, "gm");
  return content.replace(pattern, "");
}

function normaliseEol(content: string): string {
  return content.includes("\r") ? content.replace(/\r\n/g, "\n") : content;
}

/** Lines between START and END with no fence at all, minus blank lines at either end. */
function bareContent(text: string, from: number, to: number): string {
  const lines = normaliseEol(text.slice(from, to)).split("\n");
  const blank = (line: string | undefined) => line !== undefined && line.trim() === "";
  while (blank(lines[0])) lines.shift();
  while (blank(lines[lines.length - 1])) lines.pop();
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function samePath(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  const norm = (p: string) => p.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+/g, "/");
  return norm(a) === norm(b);
}

/**
 * Walk the reply once, line by line, without splitting it: a 20 MB reply is sliced only for marker
 * lines and once per block. Inside a fence only the closing fence is looked for, so marker-like text in a
 * file never ends a block; the closing fence must match the opening one (character, at least its length).
 */
export function scanReply(text: string): ScanResult {
  const blocks: RawBlock[] = [];
  const strayEndLines: number[] = [];
  let state: State = "outside";
  let current: RawBlock | undefined;
  let bodyStart = 0;
  let bodyEnd = 0;
  let afterStart = 0;
  let lineNo = 0;

  const finish = (problem?: BlockProblem) => {
    if (!current) return;
    if (problem) {
      current.problem = problem;
      current.content = undefined;
    }
    blocks.push(current);
    current = undefined;
    state = "outside";
  };
  const noEnd = (where: string): BlockProblem => ({
    code: "no_end_marker",
    reason: `no CODE_FILE_END marker ${where}`,
  });

  let pos = 0;
  const length = text.length;
  while (pos < length) {
    const newline = text.indexOf("\n", pos);
    const end = newline === -1 ? length : newline;
    const next = newline === -1 ? length : newline + 1;
    lineNo++;

    if (state === "in_fence") {
      const kind = classifyFenceLine(text, pos, end, current!.fence!);
      if (kind === "close") {
        bodyEnd = pos;
        state = "after_fence";
      } else if (kind === "collides" && !current!.problem) {
        current!.problem = {
          code: "ambiguous_fence",
          line: lineNo,
          reason: `line ${lineNo} opens another block with the same fence inside the file, so where the file ends is unclear`,
        };
      }
    } else if (mayBeMarker(text, pos, end)) {
      const marker = parseMarkerLine(lineText(text, pos, end));
      if (marker?.kind === "start") {
        if (state !== "outside") finish(noEnd(`before the next START marker (line ${lineNo})`));
        current = {
          startPath: marker.path,
          endPath: undefined,
          line: lineNo,
          contentLine: lineNo + 1,
          fence: undefined,
          language: undefined,
          content: undefined,
          problem: undefined,
        };
        state = "await_fence";
        afterStart = next;
      } else if (marker?.kind === "end") {
        if (state === "outside") strayEndLines.push(lineNo);
        else {
          current!.endPath = marker.path;
          if (!samePath(current!.startPath, marker.path)) {
            finish({
              code: "marker_mismatch",
              reason: `the END marker names ${marker.path} but the START marker names ${current!.startPath}`,
            });
          } else if (state === "await_fence") {
            current!.content = bareContent(text, afterStart, pos);
            finish(current!.problem);
          } else if (state === "after_fence") {
            const fence = current!.fence!;
            const raw = normaliseEol(text.slice(bodyStart, bodyEnd));
            current!.content = dedent(raw, fence.indent);
            finish(current!.problem);
          }
        }
      } else if (state === "after_fence") {
        flagTextAfterFence(current!, lineNo);
      }
    } else if (state === "await_fence") {
      const fence = parseOpeningFence(text, pos, end);
      if (fence) {
        current!.fence = fence;
        current!.language = fenceLanguage(fence.info);
        state = "in_fence";
        bodyStart = next;
        current!.contentLine = lineNo + 1;
      }
    } else if (state === "after_fence" && !isBlank(text, pos, end)) {
      flagTextAfterFence(current!, lineNo);
    }
    pos = next;
    if (newline === -1) break;
  }
  if (state === "in_fence") finish(noEnd("and no closing fence: the reply ends inside the code block"));
  else if (state !== "outside") finish(noEnd("before the reply ends"));
  return { blocks, strayEndLines };
}

function flagTextAfterFence(block: RawBlock, lineNo: number): void {
  if (block.problem) return;
  block.problem = {
    code: "ambiguous_fence",
    line: lineNo,
    reason: `text at line ${lineNo} between the closing fence and the END marker: the fence may also occur inside the file, so the file may be cut short`,
  };
}
