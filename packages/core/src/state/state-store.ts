import { existsSync, readdirSync, unlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { CliError } from "../errors.js";
import { formatZodError } from "../cli/validation.js";
import { writeFileAtomically as writeFileAtomic } from "./atomic-write.js";
import { acquireLock, type HeldLock } from "./lock.js";

interface StateStoreOptions<S extends z.ZodType> {
  file: string;
  schema: S;
  /** Bumped when the shape changes incompatibly; a file of another version is refused, not reinterpreted. */
  version: number;
  command?: string;
  staleLockMs?: number;
}

export interface StateStore<T> {
  readonly file: string;
  readonly backupFile: string;
  /** Validated state, or undefined when no state file exists yet. Never resets a bad file. */
  load(): Promise<T | undefined>;
  /** Exclusive writer lock; `save` refuses to run without it. */
  lock(): Promise<void>;
  save(state: T): Promise<void>;
  release(): Promise<void>;
}

function corrupt(file: string, backup: string, reason: string): CliError {
  const name = path.basename(file);
  const hasBackup = existsSync(backup);
  return new CliError("STATE_CORRUPT", `${name} is unreadable (${reason}); it was left untouched`, {
    hint: hasBackup
      ? `the last good copy is ${path.basename(backup)}: inspect both, then copy the .bak over ${name} to resume from it`
      : `no ${path.basename(backup)} exists; inspect or move ${name} aside to start over`,
    details: { file, backup: hasBackup ? backup : null },
  });
}

/** A JSON state file: zod-validated reads, atomic writes (temp + fsync + rename), a .bak, and a lock. */
export function createStateStore<S extends z.ZodType>(options: StateStoreOptions<S>): StateStore<z.output<S>> {
  const file = path.resolve(options.file);
  const backupFile = `${file}.bak`;
  let lock: HeldLock | undefined;
  let lastGood: string | undefined;
  let queue: Promise<void> = Promise.resolve();

  async function parseFile(target: string): Promise<{ text: string; state: z.output<S> } | undefined> {
    let text: string;
    try {
      text = await readFile(target, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw corrupt(file, backupFile, `cannot be read: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw corrupt(file, backupFile, `not valid JSON: ${(error as Error).message}`);
    }
    const version = (raw as { schema_version?: unknown } | null)?.schema_version;
    if (version !== options.version) {
      throw corrupt(file, backupFile, `schema_version ${JSON.stringify(version)} where ${options.version} is expected`);
    }
    const { schema_version: _ignored, ...rest } = raw as Record<string, unknown>;
    const parsed = options.schema.safeParse(rest);
    if (!parsed.success) throw corrupt(file, backupFile, formatZodError(parsed.error).message);
    return { text, state: parsed.data };
  }

  function removeLitter(): void {
    // Temp files of writers that were killed between write and rename.
    const dir = path.dirname(file);
    const base = path.basename(file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(`${base}.`) && /\.\d+$/.test(name) && name !== base) {
        try {
          unlinkSync(path.join(dir, name));
        } catch {
          // already gone
        }
      }
    }
  }

  return {
    file,
    backupFile,
    async load() {
      const loaded = await parseFile(file);
      if (loaded) lastGood = loaded.text;
      return loaded?.state;
    },
    async lock() {
      if (lock?.valid) return;
      lock = await acquireLock(file, { command: options.command, staleMs: options.staleLockMs });
      removeLitter();
    },
    async save(state) {
      // Saves from concurrent steps run one after another, each writing the state as it was when called.
      const text = serialize(state);
      const run = queue.then(() => write(text));
      queue = run.catch(() => undefined);
      return run;
    },
    async release() {
      await queue;
      await lock?.release();
      lock = undefined;
    },
  };

  function serialize(state: z.output<S>): string {
    const checked = options.schema.safeParse(state);
    if (!checked.success) throw new Error(`refusing to save invalid state: ${formatZodError(checked.error).message}`);
    return `${JSON.stringify({ schema_version: options.version, ...(checked.data as object) }, null, 2)}\n`;
  }

  async function write(text: string): Promise<void> {
    if (!lock?.valid) {
      throw new CliError("STATE_LOCKED", `${path.basename(file)}: not saved, this process does not hold its lock`, {
        hint: "another process may have taken over a lock it thought stale; stop the other writer and run again",
      });
    }
    if (lastGood === undefined && existsSync(file)) lastGood = (await parseFile(file))?.text;
    if (lastGood !== undefined && lastGood !== text) await writeFileAtomic(backupFile, lastGood);
    await writeFileAtomic(file, text);
    lastGood = text;
  }
}
