import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Verify commands run in their own process group. Each group is recorded in `<project>/.gembatch/
 * children.json` while it runs, so that when gembatch itself is SIGKILLed (no handler runs), the next
 * run in the project finds the group and ends it instead of letting it overlap its own verify.
 */
export interface ChildRecord {
  /** The group leader's pid, which is the group id. */
  pid: number;
  /** The leader's start time (clock ticks since boot, Linux), to tell it from a later process with its pid. */
  start: string | null;
  command: string;
  /** The gembatch process that started it. */
  owner: number;
}

export interface ReapedChild {
  pid: number;
  command: string;
}

const FILE = "children.json";
const mine = new Map<string, Set<number>>();

function read(dir: string): ChildRecord[] {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dir, FILE), "utf8")) as unknown;
    return Array.isArray(parsed) ? (parsed as ChildRecord[]).filter((r) => Number.isInteger(r?.pid) && r.pid > 1) : [];
  } catch {
    return [];
  }
}

function write(dir: string, records: ChildRecord[]): void {
  const file = path.join(dir, FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(records)}\n`);
  renameSync(temp, file);
}

/** The start time of a live process (field 22 of /proc/<pid>/stat), or null where /proc has none. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Record a verify process group; returns the function that forgets it once it has ended. */
export function recordChild(dir: string, child: { pid: number; command: string }): () => void {
  const record: ChildRecord = { pid: child.pid, start: processStart(child.pid), command: child.command.slice(0, 200), owner: process.pid };
  write(dir, [...read(dir).filter((r) => r.pid !== child.pid), record]);
  const set = mine.get(dir) ?? new Set<number>();
  set.add(child.pid);
  mine.set(dir, set);
  return () => {
    set.delete(child.pid);
    if (existsSync(path.join(dir, FILE))) write(dir, read(dir).filter((r) => r.pid !== child.pid));
  };
}

/**
 * End the groups recorded by earlier gembatch processes (called under the project lock). A group whose leader still runs is
 * ended only when the leader's start time matches the record (its pid was not reused); a group whose
 * leader exited but whose members live on still holds its id, which no new process can take.
 */
export function reapOrphanedChildren(dir: string): ReapedChild[] {
  const records = read(dir);
  const reaped: ReapedChild[] = [];
  const kept: ChildRecord[] = [];
  for (const record of records) {
    // The project lock is ours, so every other owner's run is over: what it recorded is orphaned.
    if (record.owner === process.pid) {
      kept.push(record);
      continue;
    }
    const leaderAlive = alive(record.pid);
    const sameLeader = leaderAlive && record.start !== null && processStart(record.pid) === record.start;
    const groupAlive = killGroup(record.pid, 0 as unknown as NodeJS.Signals);
    if ((sameLeader || (!leaderAlive && groupAlive)) && killGroup(record.pid, "SIGKILL")) reaped.push({ pid: record.pid, command: record.command });
  }
  if (records.length > 0) write(dir, kept);
  return reaped;
}

/** Synchronously end the groups this process started (process exit). */
export function killRecordedGroups(dir: string): void {
  for (const pid of mine.get(dir) ?? []) killGroup(pid, "SIGKILL");
}
