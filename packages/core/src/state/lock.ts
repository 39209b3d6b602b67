import { existsSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CliError } from "../errors.js";
import { processAlive } from "../safety/processes.js";

interface LockOwner {
  pid: number;
  hostname: string;
  command: string;
  since: string;
}

export interface HeldLock {
  release(): Promise<void>;
  /** False once another process took the lock over because ours looked stale. */
  readonly valid: boolean;
}

const OWNER_GRACE_MS = 1_000;

function lockAge(lockDir: string): number {
  try {
    return Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** The holder's name, waiting briefly for a holder that has just taken the lock to write it. */
async function waitForOwner(ownerFile: string): Promise<LockOwner | undefined> {
  for (let waited = 0; ; waited += 50) {
    const owner = readOwner(ownerFile);
    if (owner || waited >= OWNER_GRACE_MS) return owner;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readOwner(ownerFile: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(ownerFile, "utf8")) as LockOwner;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock on `file` held by this process. proper-lockfile does the mkdir-based locking and
 * staleness (mtime refreshed while we live); a side file names the holder so a refused writer can say
 * who holds it, and lets a lock left by a dead process on this host be taken over at once.
 */
export async function acquireLock(
  file: string,
  options: { command?: string | undefined; staleMs?: number | undefined } = {},
): Promise<HeldLock> {
  const { default: lockfile } = await import("proper-lockfile");
  const lockDir = `${file}.lock`;
  const ownerFile = `${file}.lock.owner`;
  const staleMs = options.staleMs ?? 30_000;
  let compromised = false;
  const attempt = () =>
    lockfile.lock(file, {
      realpath: false,
      stale: staleMs,
      update: Math.max(1_000, Math.floor(staleMs / 3)),
      retries: 0,
      onCompromised: () => {
        compromised = true;
      },
    });
  let release: () => Promise<void>;
  try {
    release = await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    const owner = await waitForOwner(ownerFile);
    const deadHere =
      owner !== undefined && owner.hostname === os.hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
    // A holder names itself right after taking the lock; one that never did died in between.
    const nameless = owner === undefined && lockAge(lockDir) > OWNER_GRACE_MS;
    if (!deadHere && !nameless) {
      const who = owner
        ? `pid ${owner.pid} on ${owner.hostname} (${owner.command}, since ${owner.since})`
        : "another process";
      throw new CliError("STATE_LOCKED", `${path.basename(file)} is locked by ${who}`, {
        hint: `wait for it to finish or stop it; a lock left by a dead process is taken over automatically (remove ${path.basename(lockDir)} only if you are sure)`,
        details: { file, owner },
      });
    }
    // The dead holder's name goes first, so a third process sees no owner and waits instead of also
    // judging the lock we are about to take as the dead one's.
    rmSync(ownerFile, { force: true });
    rmSync(lockDir, { recursive: true, force: true });
    release = await attempt();
  }
  const owner: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    command: options.command ?? path.basename(process.argv[1] ?? "node"),
    since: new Date().toISOString(),
  };
  writeFileSync(ownerFile, `${JSON.stringify(owner)}\n`);
  let released = false;
  return {
    get valid() {
      return !compromised && !released;
    },
    async release() {
      if (released) return;
      released = true;
      if (readOwner(ownerFile)?.pid === process.pid && existsSync(ownerFile)) unlinkSync(ownerFile);
      if (!compromised) await release().catch(() => undefined);
    },
  };
}
