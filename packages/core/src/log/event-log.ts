import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { redactSecrets } from "./redact.js";

export interface EventLog {
  /**
   * One JSON line: `{"level", "timestamp", "event", "batch"?, "data"?}`; written synchronously so a kill never tears a
   * line.
   */
  event(event: string, fields?: Record<string, unknown>): void;
  close(): void;
  readonly file: string;
}

const TAIL_BYTES = 1024 * 1024;

/**
 * A write(2) can still be cut short (a partial write, then a kill before the rest), so a log that
 * does not end with a newline loses its unfinished last line before anything is appended to it.
 */
function dropTornTail(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, "r+");
  } catch {
    return; // absent: nothing to repair
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const length = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    if (tail[length - 1] === 0x0a) return;
    const newline = tail.lastIndexOf(0x0a);
    ftruncateSync(fd, newline === -1 ? (length === size ? 0 : size - length) : size - length + newline + 1);
  } finally {
    closeSync(fd);
  }
}

/**
 * JSONL events through pino with a synchronous destination: each line is one write(2) in append mode,
 * and a torn last line is dropped when the log is opened again, so readers only ever see whole lines. Secrets are
 * scrubbed from the
 * serialized line itself, wherever they appear.
 */
export async function createEventLog(
  file: string,
  options: { base?: Record<string, unknown> } = {},
): Promise<EventLog> {
  const resolved = path.resolve(file);
  mkdirSync(path.dirname(resolved), { recursive: true });
  dropTornTail(resolved);
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
