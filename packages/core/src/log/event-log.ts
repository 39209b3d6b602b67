import { mkdirSync } from "node:fs";
import path from "node:path";
import { redactSecrets } from "./redact.js";

export interface EventLog {
  /** One JSON line: `{"level", "timestamp", "event", "batch"?, "data"?}`; written synchronously so a kill never tears a line. */
  event(event: string, fields?: Record<string, unknown>): void;
  close(): void;
  readonly file: string;
}

/**
 * JSONL events through pino with a synchronous destination: each line is one write(2) in append mode,
 * so a process killed at any moment leaves only whole lines behind. Secrets are scrubbed from the
 * serialized line itself, wherever they appear.
 */
export async function createEventLog(file: string, options: { base?: Record<string, unknown> } = {}): Promise<EventLog> {
  const resolved = path.resolve(file);
  mkdirSync(path.dirname(resolved), { recursive: true });
  // Loaded on use so commands that never log events do not pay for pino at start-up.
  const { default: pino } = await import("pino");
  const destination = pino.destination({ dest: resolved, sync: true, append: true, mkdir: true });
  const logger = pino(
    {
      base: options.base ?? null,
      messageKey: "event",
      timestamp: false,
      mixin: () => ({ timestamp: new Date().toISOString() }),
      formatters: { level: (label: string) => ({ level: label }) },
      hooks: {
        streamWrite: (line: string) => redactSecrets(line),
      },
    },
    destination,
  );
  return {
    file: resolved,
    event(event, fields = {}) {
      if (event === "error" || event.endsWith("_failed")) logger.error(fields, event);
      else logger.info(fields, event);
    },
    close() {
      destination.flushSync?.();
      destination.end?.();
    },
  };
}
