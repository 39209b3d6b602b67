import { activeProjectSession, openProjectSession } from "@gembatch/core";

/**
 * Run `work` holding the project lock: a second editing run in the project is refused (exit 2, naming
 * the holder), and what a dead run left behind is settled first. Nested calls (scan-and-fix → apply)
 * share the session their caller opened.
 */
export async function withProjectSession<T>(
  root: string,
  options: { command: string; warn(message: string): void },
  work: () => Promise<T>,
): Promise<T> {
  if (activeProjectSession()?.root === root) return work();
  const session = await openProjectSession(root, options);
  try {
    return await work();
  } finally {
    await session.release();
  }
}
