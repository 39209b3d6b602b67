import type { ProgressListener } from "@gembatch/core";

export interface ProgressNotice {
  progress: number;
  total: number;
  message: string;
}

/**
 * Turns a command's progress (which starts again at 0 for each send inside scan-and-fix or apply) into
 * one rising count for the whole tool call: MCP requires every notification's progress to be higher
 * than the last one's.
 */
export function risingProgress(send: (notice: ProgressNotice) => void): ProgressListener {
  let base = 0;
  let lastRaw = 0;
  let lastSent = -1;
  return (update) => {
    if (update.progress < lastRaw) base += lastRaw;
    lastRaw = update.progress;
    const progress = base + update.progress;
    if (progress <= lastSent) return;
    lastSent = progress;
    send({ progress, total: base + update.total, message: update.message });
  };
}
