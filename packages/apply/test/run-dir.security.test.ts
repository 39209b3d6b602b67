import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { answer, goodFix } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import {
  ESC,
  expectNoRawControls,
  hostileProject,
  PAYMENTS,
  readJson,
  sendAndExtract,
  VICTIM,
  writeJson,
} from "./hostile.js";
import type { ExtractionContext } from "@gembatch/extract";
import type { ApplyResult } from "../src/index.js";

const COMPILE = ["--verify", "python3 -m py_compile {file}"];
const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const PWNED = "print('pwned')\n";

/** A genuine extraction of PAYMENTS, ready to be tampered with. */
async function extraction() {
  const project = hostileProject();
  const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(project.root, PAYMENTS))] });
  const run = await sendAndExtract(project.root, emu, [PAYMENTS]);
  const contextFile = `${run.extractedDir}/EXTRACTION_CONTEXT.json`;
  const retarget = (target: string) => {
    const context = readJson<ExtractionContext>(project.root, contextFile);
    context.files[0]!.path = target;
    writeJson(project.root, contextFile, context);
  };
  return { ...project, ...run, emu, retarget, original: readFileSync(path.join(project.root, PAYMENTS)) };
}

/** Every file in `dir` with its text: compared before and after to show nothing was written there. */
const contents = (dir: string) => readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name), "utf8")]);

/** apply's answer for the payments file when a link leads its write out of the project. */
const REFUSED_OUTSIDE = [
  {
    path: PAYMENTS,
    status: "refused",
    error: `path: a symlink that leads outside the project root: ${PAYMENTS}; not applied`,
  },
];

describe("a tampered run directory cannot make apply write outside the project (built bin, emulator)", () => {
  it("EXTRACTION_CONTEXT.json naming ../victim.txt: refused per file, exit 1, the victim untouched", async () => {
    const { root, victim, extractedDir, emu, retarget } = await extraction();
    retarget("../victim.txt");
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(1);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject([
      { path: "../victim.txt", status: "refused", error: "path: outside the project root: ../victim.txt; not applied" },
    ]);
    expect(readFileSync(victim, "utf8")).toBe(VICTIM);
  });

  it("an absolute path, even with a candidate waiting inside the extraction: refused, the victim untouched", async () => {
    const { root, victim, extractedDir, emu, retarget } = await extraction();
    retarget(victim);
    mkdirSync(path.dirname(path.join(root, extractedDir, victim)), { recursive: true });
    writeFileSync(path.join(root, extractedDir, victim), PWNED);
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(1);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject([
      { path: victim, status: "refused", error: `path: outside the project root: ${victim}; not applied` },
    ]);
    expect(readFileSync(victim, "utf8")).toBe(VICTIM);
  });

  it(".git/config: refused, the repository's config untouched", async () => {
    const { root, extractedDir, emu, retarget } = await extraction();
    mkdirSync(path.join(root, ".git"));
    writeFileSync(path.join(root, ".git/config"), "[core]\n\tbare = false\n");
    retarget(".git/config");
    mkdirSync(path.join(root, extractedDir, ".git"));
    writeFileSync(path.join(root, extractedDir, ".git/config"), "[core]\n\tfsmonitor = touch pwned\n");
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(1);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject([
      { path: ".git/config", status: "refused", error: "path: inside .git: .git/config; not applied" },
    ]);
    expect(readFileSync(path.join(root, ".git/config"), "utf8")).toBe("[core]\n\tbare = false\n");
  });

  it("a file name holding escape sequences is shown escaped in the text output and on stderr", async () => {
    const { root, extractedDir, emu, retarget } = await extraction();
    retarget(`orders/${ESC}]0;pwned\u0007${ESC}[2J.py`);
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE], { emu });
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain("! orders/\\x1b]0;pwned\\x07\\x1b[2J.py: refused");
    expectNoRawControls(apply.stdout + apply.stderr);
  });

  it("the extracted file is read only from inside the extraction: a directory there linking out is refused", async () => {
    const { root, outside, extractedDir, emu, original } = await extraction();
    writeFileSync(path.join(outside, "payments.py"), PWNED);
    rmSync(path.join(root, extractedDir, "orders"), { recursive: true });
    symlinkSync(outside, path.join(root, extractedDir, "orders"));
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(1);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject([
      {
        path: PAYMENTS,
        status: "refused",
        error: expect.stringContaining("extracted: a symlink that leads outside the project root") as unknown,
      },
    ]);
    expect(readFileSync(path.join(root, PAYMENTS)).equals(original)).toBe(true);
  });

  it("a project directory swapped for a link out between extract and apply is not written through", async () => {
    const { root, outside, extractedDir, emu } = await extraction();
    cpSync(path.join(root, "orders"), outside, { recursive: true });
    renameSync(path.join(root, "orders"), path.join(root, "orders.real"));
    symlinkSync(outside, path.join(root, "orders"));
    const before = contents(outside);
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(1);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject(REFUSED_OUTSIDE);
    expect(contents(outside)).toEqual(before);
  });

  it("a directory swapped for a link out while verify runs is caught at the moment of use: nothing written outside", async () => {
    const { root, outside, extractedDir, emu, original } = await extraction();
    cpSync(path.join(root, "orders"), outside, { recursive: true });
    const before = contents(outside);
    // The first verify run (before the write) swaps the directory: every check made before it is stale.
    const swap = `test -L orders || { mv orders orders.real && ln -s '${outside}' orders; }`;
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, "--verify", swap, "--json"], { emu });
    expect(apply.exitCode).toBe(1);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject(REFUSED_OUTSIDE);
    expect(contents(outside)).toEqual(before);
    expect(readFileSync(path.join(root, "orders.real/payments.py")).equals(original)).toBe(true);
  });

  it("a send run the context names outside the project does not become apply's run directory", async () => {
    const { root, top, runDir, extractedDir, emu } = await extraction();
    const elsewhere = path.join(top, "elsewhere");
    cpSync(path.join(root, runDir), elsewhere, { recursive: true });
    const contextFile = `${extractedDir}/EXTRACTION_CONTEXT.json`;
    const context = readJson<ExtractionContext>(root, contextFile);
    const source = context.sources[0]!;
    source.response_file = path.join(elsewhere, path.basename(source.response_file));
    writeJson(root, contextFile, context);
    const listing = readdirSync(elsewhere).sort();
    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(0);
    expect(parse<ApplyResult>(apply.stdout).run_dir).toMatch(/^tmp\/gembatch_apply_\d{8}_\d{6}$/);
    expect(readdirSync(elsewhere).sort()).toEqual(listing);
  });

  it("apply --resume with a tampered apply_state.json: no restore outside the project, no backup taken from outside", async () => {
    const { root, top, victim, runDir, extractedDir, emu } = await extraction();
    const args = ["apply", "--extracted-dir", extractedDir, ...COMPILE];
    expect((await gembatch(root, args, { emu })).exitCode).toBe(0);
    const stateFile = `${runDir}/apply_state.json`;
    const state = readJson<{ files: Array<Record<string, unknown>>; finished: boolean }>(root, stateFile);
    const fixed = readFileSync(path.join(root, PAYMENTS));
    const unconfirmed = { status: "pending", phase: "done", attempts: [], attempt: 1 };
    // An "unconfirmed attempt" at ../victim.txt whose "original" is the run's real backup: a resume would restore it
    // there.
    state.files = [
      { ...state.files[0], ...unconfirmed, phase: "written", path: "../victim.txt", written_sha256: sha256(VICTIM) },
    ];
    state.finished = false;
    writeJson(root, stateFile, state);
    const resumed = await gembatch(root, [...args, "--resume", "--json"], { emu });
    expect(resumed.exitCode).toBe(1);
    expect(parse<ApplyResult>(resumed.stdout).files).toMatchObject([
      {
        path: "../victim.txt",
        status: "refused",
        error: expect.stringMatching(/^path: outside the project root: \.\.\/victim\.txt; not applied/) as unknown,
      },
    ]);
    expect(readFileSync(victim, "utf8")).toBe(VICTIM);

    // A "backup" outside the run's backups directory: restoring it would copy a file from anywhere into the project.
    writeFileSync(path.join(top, "secret.txt"), "a secret from outside\n");
    state.files = [
      {
        ...state.files[0],
        ...unconfirmed,
        phase: "written",
        path: PAYMENTS,
        written_sha256: sha256(fixed),
        backup_file: path.join(top, "secret.txt"),
        original_sha256: sha256("a secret from outside\n"),
      },
    ];
    writeJson(root, stateFile, state);
    const stolen = await gembatch(root, [...args, "--resume"], { emu });
    expect(stolen.exitCode).toBe(2);
    expect(stolen.stderr).toContain("backup_file: not in the run's backups/ directory");
    expect(readFileSync(path.join(root, PAYMENTS)).equals(fixed)).toBe(true);
  });
});
