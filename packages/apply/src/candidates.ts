import { existsSync } from "node:fs";
import path from "node:path";
import { isInsideDir, isSafeProjectPath } from "@gembatch/core";
import { readExtractionContext } from "@gembatch/extract";
import { readSendMetas, type FileMeta } from "@gembatch/send/run-files";

/** What apply may write for one file: the extracted file, or why there is none. */
export interface Candidate {
  path: string;
  /** Absolute path of the extracted file. */
  extracted?: string;
  /** The extraction's output directory: the extracted file is read only from inside it. */
  extractedDir?: string;
  refusal?: { code: string; reason: string };
  /** The file's sha256 when its request was built (from send's meta file). */
  sha256Sent?: string;
  /** The file's number in the send run (`request_<n>_<stem>.md`). */
  n?: number;
}

export interface ExtractionView {
  extractedDir: string | null;
  /** The send run directory the replies came from, when there is exactly one. */
  sendRunDir: string | null;
  candidates: Map<string, Candidate>;
}

/** The part of an extraction (EXTRACTION_CONTEXT.json, or runExtract's result) apply reads. */
interface ExtractionContextLike {
  files: ReadonlyArray<{ path: string }>;
  refused: ReadonlyArray<{ path: string | null; code: string; reason: string }>;
  sources?: ReadonlyArray<{ response_file: string }> | undefined;
}

/** A path the extraction recorded relative to the cwd it ran in: try ours, then the project root. */
function locate(value: string, bases: string[]): string | undefined {
  for (const base of bases) {
    const candidate = path.resolve(base, value);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `file` is a regular file inside one of `roots`, reached without a link out of it. */
function insideAny(file: string, roots: readonly string[]): boolean {
  return roots.some(
    (root) =>
      isInsideDir(path.resolve(root), file) && isSafeProjectPath(root, path.relative(path.resolve(root), file), "read"),
  );
}

/**
 * Build the view from an extraction context (EXTRACTION_CONTEXT.json, or runExtract's result). With
 * `within`, a send run named by the context counts only inside those directories: apply keeps its
 * state, backups and patches there.
 */
export function viewFromContext(
  context: ExtractionContextLike,
  options: { extractedDir: string | null; bases: string[]; sendRunDir?: string; within?: readonly string[] },
): ExtractionView {
  const runDirs = new Set<string>();
  if (options.sendRunDir) runDirs.add(path.resolve(options.sendRunDir));
  else {
    for (const source of context.sources ?? []) {
      const response = locate(source.response_file, options.bases);
      if (!response || !/^response_\d+_/.test(path.basename(response))) continue;
      if (options.within && !insideAny(response, options.within)) continue;
      runDirs.add(path.dirname(response));
    }
  }
  const metas = new Map<string, FileMeta>();
  for (const dir of runDirs) for (const [file, meta] of readSendMetas(dir)) metas.set(file, meta);
  const candidates = new Map<string, Candidate>();
  const withMeta = (file: string): Candidate => {
    const meta = metas.get(file);
    return {
      path: file,
      ...(meta?.sha256_sent ? { sha256Sent: meta.sha256_sent } : {}),
      ...(meta ? { n: meta.n } : {}),
    };
  };
  for (const refusal of context.refused) {
    if (refusal.path === null) continue;
    candidates.set(refusal.path, {
      ...withMeta(refusal.path),
      refusal: { code: refusal.code, reason: refusal.reason },
    });
  }
  for (const file of context.files) {
    if (candidates.has(file.path) || !options.extractedDir) continue;
    candidates.set(file.path, {
      ...withMeta(file.path),
      extracted: path.join(options.extractedDir, file.path),
      extractedDir: options.extractedDir,
    });
  }
  // A file whose request failed outright has no reply to extract; its meta still says why.
  for (const [file, meta] of metas) {
    if (!candidates.has(file) && meta.success === false)
      candidates.set(file, {
        ...withMeta(file),
        refusal: { code: "send_failed", reason: meta.error ?? "the request failed" },
      });
  }
  return { extractedDir: options.extractedDir, sendRunDir: runDirs.size === 1 ? [...runDirs][0]! : null, candidates };
}

/**
 * Read `<extracted_dir>/EXTRACTION_CONTEXT.json` written by `gembatch extract`. Nothing in it is
 * trusted: the paths it names are checked by core's guard where they are read or written.
 */
export function readExtraction(options: {
  extractedDir: string;
  cwd: string;
  projectRoot: string;
  sendRunDir?: string;
  tmpDir?: string;
}): ExtractionView {
  const context = readExtractionContext(options.extractedDir, {
    field: "extracted_dir",
    shown: path.relative(options.cwd, options.extractedDir) || ".",
    hint: "pass the output_dir of `gembatch extract` (tmp/gemini_extracted_<stamp>), or the send run directory as run_dir",
  });
  return viewFromContext(context, {
    extractedDir: options.extractedDir,
    bases: [options.cwd, options.projectRoot],
    within: [options.projectRoot, ...(options.tmpDir ? [options.tmpDir] : [])],
    ...(options.sendRunDir ? { sendRunDir: options.sendRunDir } : {}),
  });
}
