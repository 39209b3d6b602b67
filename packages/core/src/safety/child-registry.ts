import { existsSync } from "node:fs";
import path from "node:path";
import { readJsonList, writeJsonList } from "./json-list.js";
import { killProcessGroup, processAlive, processGroupExists, processStart } from "./processes.js";

/**
 * Verify commands run in their own process group. Each group is recorded in `children.json` in the
 * project's state directory while it runs, so that when gembatch itself is SIGKILLed (no handler runs),
 * the next run in the project finds the group and ends it instead of letting it overlap its own verify.
 */
interface ChildRecord {
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

function isChildRecord(value: unknown): value is ChildRecord {
  const r = value as ChildRecord | null;
  return (
    Number.isInteger(r?.pid) &&
    r!.pid > 1 &&
    Number.isInteger(r!.owner) &&
    (r!.start === null || typeof r!.start === "string") &&
    typeof r!.command === "string"
  );
}

const read = (dir: string) => readJsonList(path.join(dir, FILE), isChildRecord);
const write = (dir: string, records: ChildRecord[]) => writeJsonList(path.join(dir, FILE), records);

/** Record a verify process group; returns the function that forgets it once it has ended. */
export function recordChild(dir: string, child: { pid: number; command: string }): () => void {
  const record: ChildRecord = {
    pid: child.pid,
    start: processStart(child.pid),
    command: child.command.slice(0, 200),
    owner: process.pid,
  };
  write(dir, [...read(dir).filter((r) => r.pid !== child.pid), record]);
  const set = mine.get(dir) ?? new Set<number>();
  set.add(child.pid);
  mine.set(dir, set);
  return () => {
    set.delete(child.pid);
    if (existsSync(path.join(dir, FILE)))
      write(
        dir,
        read(dir).filter((r) => r.pid !== child.pid),
      );
  };
}

/**
 * End the groups recorded by earlier gembatch processes (called under the project lock). A group whose
 * leader still runs is ended only when the leader's start time matches the record (its pid was not
 * reused); a group whose leader exited but whose members live on still holds its id, which no new
 * process can take.
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
    const leaderAlive = processAlive(record.pid);
    const sameLeader = leaderAlive && record.start !== null && processStart(record.pid) === record.start;
    if ((sameLeader || (!leaderAlive && processGroupExists(record.pid))) && killProcessGroup(record.pid, "SIGKILL"))
      reaped.push({ pid: record.pid, command: record.command });
  }
  if (records.length > 0) write(dir, kept);
  return reaped;
}

/** Synchronously end the groups this process started (process exit). */
export function killRecordedGroups(dir: string): void {
  for (const pid of mine.get(dir) ?? []) killProcessGroup(pid, "SIGKILL");
}
