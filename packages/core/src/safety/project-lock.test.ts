import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "@gembatch/test-utils";
import { journalEdit } from "./edit-journal.js";
import { openProjectSession, projectStateDir } from "./project-lock.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

function project() {
  const root = tempDir("gembatch-session-");
  const state = tempDir("gembatch-state-");
  mkdirSync(path.join(root, "src"));
  mkdirSync(path.join(root, "tmp", "run", "backups", "src"), { recursive: true });
  writeFileSync(path.join(root, "src", "a.py"), "original\n");
  writeFileSync(path.join(root, "tmp", "run", "backups", "src", "a.py"), "original\n");
  return { root, env: { ...process.env, GEMBATCH_STATE_DIR: state } };
}

const saved = process.env.GEMBATCH_STATE_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.GEMBATCH_STATE_DIR;
  else process.env.GEMBATCH_STATE_DIR = saved;
});

/** An edit a run that died (another pid) left in the journal. */
function leaveEdit(root: string, dir: string, written: string) {
  writeFileSync(path.join(root, "src", "a.py"), written);
  journalEdit(dir, {
    path: "src/a.py",
    backup: "tmp/run/backups/src/a.py",
    original_sha256: sha("original\n"),
    written_sha256: sha("candidate\n"),
    mode: 0o644,
    run_dir: "tmp/run",
  });
  const file = path.join(dir, "edits.json");
  writeFileSync(file, readFileSync(file, "utf8").replace(`"owner": ${process.pid}`, '"owner": 999999999'));
}

describe("openProjectSession", () => {
  it("puts back the original of an unconfirmed edit a dead run left, and leaves one changed since", async () => {
    const { root, env } = project();
    process.env.GEMBATCH_STATE_DIR = env.GEMBATCH_STATE_DIR;
    const dir = projectStateDir(root);
    leaveEdit(root, dir, "candidate\n");
    const session = await openProjectSession(root, { command: "test" });
    await session.release();
    expect(session.recovered).toMatchObject([{ path: "src/a.py", action: "restored" }]);
    expect(readFileSync(path.join(root, "src", "a.py"), "utf8")).toBe("original\n");

    leaveEdit(root, dir, "the user's own edit\n");
    const again = await openProjectSession(root, { command: "test" });
    await again.release();
    expect(again.recovered).toMatchObject([{ path: "src/a.py", action: "kept" }]);
    expect(readFileSync(path.join(root, "src", "a.py"), "utf8")).toBe("the user's own edit\n");
  });

  it("reports a corrupt journal instead of forgetting it, and releases the lock", async () => {
    const { root, env } = project();
    process.env.GEMBATCH_STATE_DIR = env.GEMBATCH_STATE_DIR;
    const journal = path.join(projectStateDir(root), "edits.json");
    writeFileSync(journal, "{ torn");
    await expect(openProjectSession(root, { command: "test" })).rejects.toMatchObject({
      code: "STATE_CORRUPT",
      message: expect.stringContaining("edits.json") as unknown,
    });
    expect(readFileSync(journal, "utf8")).toBe("{ torn");
    writeFileSync(journal, "[]\n");
    const session = await openProjectSession(root, { command: "test" });
    await session.release();
  });

  it("names GEMBATCH_STATE_DIR when the state directory cannot be written", () => {
    const { root } = project();
    // A file where the directory should be fails for every user (root ignores permission bits).
    const blocked = path.join(tempDir("gembatch-blocked-"), "state");
    writeFileSync(blocked, "");
    expect(() => projectStateDir(root, { GEMBATCH_STATE_DIR: blocked })).toThrowError(
      /state directory cannot be written/,
    );
  });
});
