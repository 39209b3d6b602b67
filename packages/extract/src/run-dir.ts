import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { FileMetaFieldsSchema, readSendSummary, type SummaryFile } from "@gembatch/send/run-files";
import { lastStartMarkerPath } from "./markers.js";

type SummaryResult = NonNullable<SummaryFile["results"]>[number];

interface ReplySource {
  responseFile: string;
  metaFile?: string;
  focusFile?: string;
  focusFrom?: "meta" | "summary" | "request";
  finishReason?: string | null;
  truncated?: boolean;
  sha256Sent?: string;
  fence?: string;
}

const RESPONSE_NAME = /^response_(\d+)_(.+)\.md$/;

export function isRequestFileName(file: string): boolean {
  return /^request_\d+_.+\.md$/.test(path.basename(file));
}

/** `response_<n>_<stem>.md` files of a run directory, in request order. */
export async function listResponses(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => RESPONSE_NAME.test(name));
  const order = (name: string) => Number(RESPONSE_NAME.exec(name)![1]);
  return names.sort((a, b) => order(a) - order(b) || a.localeCompare(b)).map((name) => path.join(dir, name));
}

async function readJson(file: string): Promise<{ value?: unknown; error?: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? {} : { error: "cannot be read" };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: "is not valid JSON" };
  }
}

export function readSummaryResults(dir: string): SummaryResult[] | undefined {
  return readSendSummary(dir)?.results;
}

const stemKey = (value: string) =>
  path
    .parse(value)
    .name.replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();

function summaryEntry(results: SummaryResult[] | undefined, n: number, stem: string): SummaryResult | undefined {
  if (!results) return undefined;
  const byIndex = results[n - 1];
  if (byIndex?.file_to_fix && stemKey(byIndex.file_to_fix) === stemKey(stem)) return byIndex;
  const byStem = results.filter((r) => r.file_to_fix && stemKey(r.file_to_fix) === stemKey(stem));
  return byStem.length === 1 ? byStem[0] : undefined;
}

/**
 * What the run directory says about one response: its focus file and finish reason, from the meta file
 * beside it, else BATCH_SUMMARY.json, else the last CODE_FILE_START instruction in the request.
 * A bare response file (no run directory) yields only its own path.
 */
export async function describeReply(
  responseFile: string,
  options: { warn(message: string): void; summary?: SummaryResult[] | undefined },
): Promise<ReplySource> {
  const source: ReplySource = { responseFile };
  const name = path.basename(responseFile);
  const match = RESPONSE_NAME.exec(name);
  if (!match) return source;
  const dir = path.dirname(responseFile);
  const metaFile = path.join(dir, name.replace(/\.md$/, ".meta.json"));
  const meta = await readJson(metaFile);
  if (meta.error) options.warn(`${path.basename(metaFile)} ${meta.error}; ignoring it`);
  else if (meta.value !== undefined) {
    const parsed = FileMetaFieldsSchema.safeParse(meta.value);
    if (!parsed.success) options.warn(`${path.basename(metaFile)} does not have the expected shape; ignoring it`);
    else {
      const m = parsed.data;
      source.metaFile = metaFile;
      if (m.file_to_fix) Object.assign(source, { focusFile: m.file_to_fix, focusFrom: "meta" });
      if (m.finish_reason !== undefined) source.finishReason = m.finish_reason;
      if (m.truncated !== undefined) source.truncated = m.truncated;
      if (m.sha256_sent) source.sha256Sent = m.sha256_sent;
      if (m.fence) source.fence = m.fence;
    }
  }
  const n = Number(match[1]);
  const entry = summaryEntry(options.summary ?? readSummaryResults(dir), n, match[2]!);
  if (entry) {
    if (!source.focusFile && entry.file_to_fix)
      Object.assign(source, { focusFile: entry.file_to_fix, focusFrom: "summary" });
    if (source.finishReason === undefined && entry.finish_reason !== undefined)
      source.finishReason = entry.finish_reason;
  }
  if (!source.focusFile) {
    try {
      const request = await readFile(path.join(dir, `request_${match[1]}_${match[2]}.md`), "utf8");
      const focus = lastStartMarkerPath(request);
      if (focus) Object.assign(source, { focusFile: focus, focusFrom: "request" });
    } catch {
      // No request beside the response: a bare reply, extracted on its markers alone.
    }
  }
  return source;
}
