import { processAlive } from "@gembatch/core";

/** Whether a process still exists (a test watching what a command started). */
export const alive = processAlive;

/** Poll `check` until it holds, failing with `what` after `timeoutMs`: for events in other processes. */
export async function waitFor(check: () => boolean, what = "the condition", timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
