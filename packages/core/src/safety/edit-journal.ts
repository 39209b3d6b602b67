import { createHash } from "node:crypto";
import path from "node:path";
import { readJsonList, writeJsonList } from "./json-list.js";
import { readProjectFile, writeProjectFile } from "./project-path.js";

/**
 * The project's journal of unconfirmed edits: a candidate is entered before it is written over a project
 * file and settled once it is confirmed or the original is back. Whatever run comes next in the project,
 * with or without --resume, in the same run directory or another, finds a candidate a dead run left on
 * disk and puts the original back before it does anything else.
 */
interface PendingEdit {
  /** Project-relative POSIX path of the edited file. */
  path: string;
  /** Project-relative path of the byte-exact copy of the original. */
  backup: string;
  original_sha256: string;
  written_sha256: string;
  mode: number;
  /** Project-relative run directory of the run that wrote it. */
  run_dir: string;
  owner: number;
  since: string;
}

export interface RecoveredEdit {
  path: string;
  action: "restored" | "kept" | "missing";
  message: string;
  run_dir: string;
}

const FILE = "edits.json";

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function isPendingEdit(value: unknown): value is PendingEdit {
  const e = value as PendingEdit | null;
  return (
    typeof e?.path === "string" &&
    typeof e.backup === "string" &&
    typeof e.original_sha256 === "string" &&
    typeof e.written_sha256 === "string" &&
    Number.isInteger(e.mode) &&
    Number.isInteger(e.owner)
  );
}

const read = (dir: string) => readJsonList(path.join(dir, FILE), isPendingEdit);
const write = (dir: string, edits: PendingEdit[]) => writeJsonList(path.join(dir, FILE), edits);

/** Enter an edit before the candidate is written (synchronous, so it is on disk before the write starts). */
export function journalEdit(dir: string, edit: Omit<PendingEdit, "owner" | "since">): void {
  write(dir, [
    ...read(dir).filter((e) => e.path !== edit.path),
    { ...edit, owner: process.pid, since: new Date().toISOString() },
  ]);
}

/** The edit is confirmed, or its original is back. */
export function settleEdit(dir: string, file: string): void {
  const edits = read(dir);
  if (edits.some((e) => e.path === file))
    write(
      dir,
      edits.filter((e) => e.path !== file),
    );
}

function currentSha(root: string, file: string): string | null {
  try {
    return sha256(readProjectFile(root, file, { field: "journal" }).bytes);
  } catch {
    return null;
  }
}

/**
 * Settle every edit left by runs that are gone (called under the project lock): the candidate still on
 * disk is replaced by the original from its backup; a file changed since is left as it is and reported.
 */
export async function recoverPendingEdits(root: string, dir: string): Promise<RecoveredEdit[]> {
  const edits = read(dir);
  const recovered: RecoveredEdit[] = [];
  const left: PendingEdit[] = [];
  for (const edit of edits) {
    if (edit.owner === process.pid) {
      left.push(edit);
      continue;
    }
    const current = currentSha(root, edit.path);
    const base = { path: edit.path, run_dir: edit.run_dir };
    if (current === edit.original_sha256) continue;
    if (current === null) {
      recovered.push({
        ...base,
        action: "missing",
        message: `an unconfirmed fix by a run that died was to be undone, but the file is gone; the original is kept at ${edit.backup}`,
      });
      continue;
    }
    if (current !== edit.written_sha256) {
      recovered.push({
        ...base,
        action: "kept",
        message: `changed since a run that died wrote an unconfirmed fix to it; left as it is (the original is at ${edit.backup})`,
      });
      continue;
    }
    let backup: Buffer;
    try {
      backup = readProjectFile(root, edit.backup, { field: "journal backup" }).bytes;
    } catch {
      backup = Buffer.alloc(0);
    }
    if (sha256(backup) !== edit.original_sha256) {
      left.push(edit);
      recovered.push({
        ...base,
        action: "kept",
        message: `holds an unconfirmed fix by a run that died, and its backup ${edit.backup} is missing or changed; left as it is`,
      });
      continue;
    }
    await writeProjectFile(root, edit.path, backup, { field: "journal", mode: edit.mode });
    recovered.push({
      ...base,
      action: "restored",
      message: `put the original back: a run that died (pid ${edit.owner}) had left an unverified fix on disk`,
    });
  }
  if (edits.length > 0) write(dir, left);
  return recovered;
}
