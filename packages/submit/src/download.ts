import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { commitFileSync } from "@gembatch/core";
import { callApi, failureFields } from "./call.js";
import { nowIso, type SubmitDeps } from "./context.js";
import type { SubmissionState } from "./state.js";

export function resultFileName(batch: number): string {
  return `batch_${String(batch).padStart(4, "0")}.jsonl`;
}

export interface DownloadOutcome {
  batch: number;
  file: string;
  status: "downloaded" | "already_complete" | "not_succeeded" | "failed";
  source?: "responses_file" | "inlined";
  bytes?: number;
  error?: string;
  http_status?: number;
  google_status?: string;
}

async function writeInlined(target: string, inlined: unknown[]): Promise<void> {
  const out = createWriteStream(target);
  for (const item of inlined as Array<{ response?: unknown; error?: unknown; metadata?: { key?: string } }>) {
    const line = `${JSON.stringify({ key: item.metadata?.key ?? null, ...(item.error ? { error: item.error } : { response: item.response }) })}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/**
 * Stream each succeeded job's results to `<out>/batch_NNNN.jsonl`: a responses file goes through the
 * SDK's streaming download; inlined results are written line by line. Files land under a `.part` name
 * and are renamed when whole (fsynced first), so an existing final file means complete and is skipped.
 */
export async function downloadResults(
  deps: SubmitDeps,
  state: SubmissionState,
  outDir: string,
  batches?: number[],
): Promise<DownloadOutcome[]> {
  mkdirSync(outDir, { recursive: true });
  const outcomes: DownloadOutcome[] = [];
  const wanted = Object.keys(state.submitted_jobs)
    .map(Number)
    .filter((n) => !batches || batches.includes(n))
    .sort((a, b) => a - b);
  for (const n of wanted) {
    const job = state.submitted_jobs[String(n)]!;
    const file = path.join(outDir, resultFileName(n));
    if (existsSync(file)) {
      job.downloaded_at ??= nowIso(deps.clock);
      outcomes.push({ batch: n, file, status: "already_complete" });
      continue;
    }
    if (!/SUCCEEDED$/.test(job.state ?? "")) {
      outcomes.push({
        batch: n,
        file,
        status: "not_succeeded",
        error: `job is ${job.state ?? "unknown"}; run gembatch submit status`,
      });
      continue;
    }
    const part = `${file}.part`;
    try {
      const remote = (
        await callApi(deps, { context: `batch ${n}`, batch: n, step: "status" }, () =>
          deps.api.get(job.job_name, deps.signal),
        )
      ).value;
      let source: DownloadOutcome["source"];
      if (remote.responsesFile) {
        source = "responses_file";
        await callApi(deps, { context: `batch ${n} download`, batch: n, step: "download" }, () =>
          deps.api.download(remote.responsesFile!, part, deps.signal),
        );
      } else {
        source = "inlined";
        const metadata = (remote.raw.metadata ?? {}) as {
          output?: { inlinedResponses?: { inlinedResponses?: unknown[] } };
        };
        await writeInlined(part, metadata.output?.inlinedResponses?.inlinedResponses ?? []);
      }
      commitFileSync(part, file);
      job.downloaded_at = nowIso(deps.clock);
      const { size } = await import("node:fs/promises").then((fs) => fs.stat(file));
      deps.events.event("download_success", { batch: n, data: { file: path.basename(file), source, bytes: size } });
      outcomes.push({ batch: n, file, status: "downloaded", source, bytes: size });
    } catch (error) {
      rmSync(part, { force: true });
      if (deps.signal.aborted) throw error;
      const failure = failureFields(error);
      deps.events.event("error", { batch: n, data: { step: "download", ...failure } });
      outcomes.push({
        batch: n,
        file,
        status: "failed",
        error: failure.message,
        ...(failure.http_status !== undefined ? { http_status: failure.http_status } : {}),
        ...(failure.google_status ? { google_status: failure.google_status } : {}),
      });
    }
  }
  return outcomes;
}
