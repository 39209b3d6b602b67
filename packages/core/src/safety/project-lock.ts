import { createHash } from "node:crypto";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CliError, isCliError } from "../errors.js";
import { acquireLock, type HeldLock } from "../state/lock.js";
import { killRecordedGroups, reapOrphanedChildren, type ReapedChild } from "./child-registry.js";
import { recoverPendingEdits, type RecoveredEdit } from "./edit-journal.js";
import { userStateDir } from "./state-dir.js";

/**
 * Where gembatch keeps what concerns one project as a whole: the lock, the edit journal and the verify
 * process groups. It lives outside the project (GEMBATCH_STATE_DIR, else $XDG_STATE_HOME/gembatch, else
 * ~/.local/state/gembatch), one directory per project root, so a repository cannot plant a journal
 * that restores chosen bytes or a child list that kills chosen processes.
 */
export function projectStateDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = userStateDir(env);
  const real = realpathSync(root);
  const id = `${path
    .basename(real)
    .replace(/[^\w.-]+/g, "_")
    .slice(0, 40)}-${createHash("sha256").update(real).digest("hex").slice(0, 16)}`;
  const dir = path.join(base, "projects", id);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, "root"), `${real}\n`);
  } catch (error) {
    throw new CliError(
      "BAD_INPUT",
      `gembatch's state directory cannot be written: ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      {
        hint: "set GEMBATCH_STATE_DIR to a writable directory (it holds the project lock and the edit journal)",
      },
    );
  }
  return dir;
}

interface ProjectSession {
  root: string;
  /** This project's state directory (see projectStateDir). */
  dir: string;
  /** What an earlier run that died left behind and this one settled before starting. */
  recovered: RecoveredEdit[];
  reaped: ReapedChild[];
  release(): Promise<void>;
}

let active: ProjectSession | undefined;

/** The session this process holds, for the journal and the child registry; undefined outside one. */
export function activeProjectSession(): ProjectSession | undefined {
  return active;
}

let exitHookInstalled = false;

/**
 * Take the project lock for a command that edits the tree (apply, scan-and-fix), then settle what a run
 * that died left behind: candidates written but never confirmed are put back (or reported when someone
 * changed the file since), and verify process groups that outlived a SIGKILLed gembatch are killed.
 * A second run is refused with exit 2, naming the holder's pid and command.
 */
export async function openProjectSession(
  root: string,
  options: { command: string; warn?(message: string): void },
): Promise<ProjectSession> {
  if (active) throw new Error(`a project session is already open in this process (${active.root})`);
  const dir = projectStateDir(root);
  let lock: HeldLock;
  try {
    lock = await acquireLock(path.join(dir, "project"), { command: options.command, staleMs: 120_000 });
  } catch (error) {
    if (!isCliError(error) || error.code !== "STATE_LOCKED") throw error;
    const owner = error.details?.owner as
      { pid?: number; command?: string; since?: string; hostname?: string } | undefined;
    const who = owner
      ? `pid ${owner.pid} (${owner.command}, on ${owner.hostname} since ${owner.since})`
      : "another process";
    throw new CliError("PROJECT_LOCKED", `another gembatch run is editing this project: ${who}`, {
      hint: `wait for it to finish, or stop it; a lock left by a process that died is taken over automatically (${path.join(dir, "project.lock")})`,
      details: { owner },
    });
  }
  try {
    const reaped = reapOrphanedChildren(dir);
    const recovered = await recoverPendingEdits(root, dir);
    for (const child of reaped)
      options.warn?.(
        `stopped a verify command left running by an earlier run that died: pid ${child.pid} (${child.command})`,
      );
    for (const edit of recovered) options.warn?.(`${edit.path}: ${edit.message}`);
    const session: ProjectSession = {
      root,
      dir,
      recovered,
      reaped,
      async release() {
        if (active === session) active = undefined;
        await lock.release();
      },
    };
    active = session;
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // Whatever ends the process (an error, process.exit, a signal handled elsewhere), its verify
      // children do not outlive it.
      process.on("exit", () => {
        if (active) killRecordedGroups(active.dir);
      });
    }
    return session;
  } catch (error) {
    await lock.release();
    throw error;
  }
}
