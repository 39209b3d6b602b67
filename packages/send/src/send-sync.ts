import type { PlannedFile } from "./inputs.js";
import type { FileOutcome, RunContext } from "./run-context.js";
import { sendFile } from "./send-file.js";
import type { FileResult, NotSent } from "./types.js";

export interface LoopOutcome {
  results: FileResult[];
  notSent: NotSent[];
  stop: FileOutcome["stop"] | null;
}

/**
 * Send every file on its own request, `concurrency` at a time. Workers take the next file only while
 * the run may go on, so a budget stop, a fatal API error or Ctrl-C leaves the rest unsent (and
 * listed), never half-queued inside the rate limiter.
 */
export async function sendSync(
  run: RunContext,
  files: PlannedFile[],
  options: { concurrency: number; onDone(result: FileResult): void },
): Promise<LoopOutcome> {
  const results: Array<FileResult | undefined> = [];
  let next = 0;
  let stop: LoopOutcome["stop"] = null;
  const worker = async () => {
    for (;;) {
      if (stop) return;
      if (run.signal.aborted) {
        stop = { reason: "interrupted" };
        return;
      }
      const index = next++;
      const file = files[index];
      if (!file) return;
      const outcome = await sendFile(run, file);
      if (outcome.result) {
        results[index] = outcome.result;
        options.onDone(outcome.result);
      }
      if (outcome.stop) stop ??= outcome.stop;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, files.length)) }, worker));
  const notSent = files.flatMap((file, i) =>
    results[i] ? [] : [{ file_to_fix: file.file, reason: stop?.reason ?? "interrupted" }],
  );
  return { results: results.filter((r): r is FileResult => r !== undefined), notSent, stop };
}
