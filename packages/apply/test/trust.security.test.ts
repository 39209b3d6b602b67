import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { alive, tempDir, waitFor } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { answer, exampleProject, goodFix, read, write } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ErrorDoc } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";
import type { SendResult } from "@gembatch/send";

const NOTIFY = "orders/notifications.py";

/** Every file under `dir` (recursively), as paths relative to it. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

const stateDir = () => tempDir("gembatch-state-");

describe("verify commands never run a file name as shell text (built bin)", () => {
  const NAMES = [
    "orders/$(touch PWNED).py",
    "orders/a; touch PWNED.py",
    "orders/b`touch PWNED`.py",
    "orders/c'; touch PWNED; '.py",
    'orders/d"; touch PWNED; ".py',
  ];
  for (const verify of [
    'python3 -m py_compile "{file}"',
    "python3 -m py_compile '{file}'",
    "python3 -m py_compile {file} && true",
    'test -f "$GEMBATCH_FILE" && python3 -m py_compile "$GEMBATCH_FILE"',
  ]) {
    it(`fixes files with hostile names with --verify ${verify}`, async () => {
      const root = exampleProject();
      const content = read(root, NOTIFY);
      for (const name of NAMES) writeFileSync(path.join(root, name), content);
      const fixed = goodFix(root, NOTIFY);
      const emu = await useEmulator({ script: NAMES.map((name) => answer(name, fixed)) });
      const run = await gembatch(
        root,
        ["scan-and-fix", ...NAMES, "--rules", "logger-bind", "--verify", verify, "--json"],
        { emu, env: { GEMBATCH_STATE_DIR: stateDir() } },
      );
      expect(walk(root).filter((file) => path.basename(file).startsWith("PWNED"))).toEqual([]);
      expect(run.exitCode, run.stderr).toBe(0);
      const result = parse<ScanAndFixResult>(run.stdout);
      expect(result.files.map((f: { status: string }) => f.status)).toEqual(NAMES.map(() => "fixed"));
      for (const name of NAMES) expect(read(root, name)).toBe(fixed);
    });
  }
});

describe("one editing run per project (built bin)", () => {
  it("refuses a second scan-and-fix while one runs, naming the holder; the first finishes untouched", async () => {
    const root = exampleProject();
    const state = stateDir();
    const emu = await useEmulator({ script: [answer(NOTIFY, goodFix(root, NOTIFY))] });
    const gate = path.join(root, "release-verify");
    // The first run's verify waits for the gate, so the second run comes while the first edits the tree.
    const verify = `touch verify-started; while [ ! -e ${path.basename(gate)} ]; do sleep 0.02; done; python3 -m unittest -q`;
    const first = gembatch(root, ["scan-and-fix", NOTIFY, "--rules", "logger-bind", "--verify", verify, "--json"], {
      emu,
      env: { GEMBATCH_STATE_DIR: state },
    });
    await waitFor(() => existsSync(path.join(root, "verify-started")), "the first run's verify");
    const second = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--json"], {
      emu,
      env: { GEMBATCH_STATE_DIR: state },
    });
    expect(second.exitCode).toBe(2);
    const error = parse<ErrorDoc>(second.stdout).error;
    expect(error.code).toBe("PROJECT_LOCKED");
    expect(error.message).toContain(`pid ${first.pid}`);
    expect(error.message).toContain("gembatch scan-and-fix");
    const apply = await gembatch(root, ["apply", "--json", "--extracted-dir", "tmp"], {
      emu,
      env: { GEMBATCH_STATE_DIR: state },
    });
    expect(apply.exitCode).toBe(2);
    writeFileSync(gate, "");
    const done = await first;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(parse<ScanAndFixResult>(done.stdout).files_fixed).toBe(1);
    expect(read(root, NOTIFY)).toBe(goodFix(exampleProject(), NOTIFY));
  });
});

describe("a crash during verify needs no flag to recover (built bin)", () => {
  it("SIGKILL during verify-after, then a plain rerun: the original is put back first, the orphaned verify is ended, the file is fixed for real", async () => {
    const root = exampleProject();
    const state = stateDir();
    const original = read(root, NOTIFY);
    const emu = await useEmulator({ script: [answer(NOTIFY, goodFix(root, NOTIFY))] });
    // The first verify never ends by itself and records its pid; gembatch is killed while it runs.
    const hang = `if grep -q "logger.bind" ${NOTIFY}; then exit 0; fi; echo $$ > verify.pid; while true; do sleep 0.05; done`;
    const first = gembatch(root, ["scan-and-fix", NOTIFY, "--rules", "logger-bind", "--verify", hang, "--json"], {
      emu,
      env: { GEMBATCH_STATE_DIR: state },
    });
    await waitFor(
      () => existsSync(path.join(root, "verify.pid")) && read(root, "verify.pid").trim() !== "",
      "the verify command",
    );
    const verifyPid = Number(read(root, "verify.pid").trim());
    // Killed only once gembatch has recorded its verify group (it does so right after the spawn).
    const recorded = () =>
      readdirSync(path.join(state, "projects")).some((dir) => {
        const file = path.join(state, "projects", dir, "children.json");
        return (
          existsSync(file) &&
          (JSON.parse(readFileSync(file, "utf8")) as Array<{ pid: number }>).some((child) => child.pid === verifyPid)
        );
      });
    await waitFor(recorded, "the verify group to be recorded");
    expect(read(root, NOTIFY)).not.toBe(original); // the unconfirmed candidate is on disk
    first.kill("SIGKILL");
    await first;
    expect(alive(verifyPid)).toBe(true); // outlived gembatch: nothing could stop it
    const rerun = await gembatch(
      root,
      ["scan-and-fix", NOTIFY, "--rules", "logger-bind", "--verify", "python3 -m unittest -q", "--json"],
      { emu, env: { GEMBATCH_STATE_DIR: state } },
    );
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const result = parse<ScanAndFixResult>(rerun.stdout);
    expect(result.warnings!.join("\n")).toMatch(/stopped a verify command left running/);
    expect(result.warnings!.join("\n")).toMatch(/orders\/notifications\.py: put the original back/);
    await waitFor(() => !alive(verifyPid), "the orphaned verify to be ended", 5_000);
    // The rerun saw the file again (the original was back before the scan) and fixed it with a real verify.
    expect(result).toMatchObject({ files_found: 1, files_fixed: 1 });
    expect(read(root, NOTIFY)).toBe(goodFix(exampleProject(), NOTIFY));
  });
});

describe("verification is never switched off by an empty value (built bin)", () => {
  it("refuses an empty verify in every form and asks for skip_verify; skip_verify runs with a warning", async () => {
    const root = exampleProject();
    for (const arg of [
      '{"verify": ""}',
      '{"verify": "   "}',
      '{"verify": []}',
      '{"verify": ["python3 -m unittest", ""]}',
    ]) {
      const run = await gembatch(root, ["scan-and-fix", arg], { emu: null });
      expect(run.exitCode, arg).toBe(2);
      expect(parse<ErrorDoc>(run.stdout).error.message, arg).toMatch(
        /^verify.*(empty command|no command).*skip_verify/,
      );
    }
    const flag = await gembatch(root, ["scan-and-fix", "--verify", "", "--json"], { emu: null });
    expect(flag.exitCode).toBe(2);
    const both = await gembatch(root, ["scan-and-fix", '{"verify": "true", "skip_verify": true}'], { emu: null });
    expect(parse<ErrorDoc>(both.stdout).error.message).toMatch(/skip_verify: given together with verify/);
    const emu = await useEmulator({ script: [answer(NOTIFY, goodFix(root, NOTIFY))] });
    const skipped = await gembatch(
      root,
      ["scan-and-fix", `{"paths": ["${NOTIFY}"], "rules": ["logger-bind"], "skip_verify": true}`],
      { emu, env: { GEMBATCH_STATE_DIR: stateDir() } },
    );
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(parse<ScanAndFixResult>(skipped.stdout).warnings!.join("\n")).toMatch(/no verify command/);
  });
});

describe("the budget covers the explicit cache (built bin)", () => {
  it("--max-cost below the cache's cost creates no cache and spends nothing", async () => {
    const root = exampleProject();
    // A shared context above the cache minimum and two files: a cache would be made.
    write(
      root,
      "orders/big_context.py",
      `${"# context line that pads the report well past four thousand tokens\n".repeat(400)}`,
    );
    const emu = await useEmulator({
      script: [
        answer(NOTIFY, goodFix(root, NOTIFY)),
        answer("orders/payments.py", goodFix(root, "orders/payments.py")),
      ],
    });
    const report = await gembatch(
      root,
      [
        "report",
        "--issue",
        "big",
        NOTIFY,
        "orders/payments.py",
        "--context-files",
        "orders/big_context.py",
        "--details",
        "fix logger.bind",
        "--json",
      ],
      { emu: null },
    );
    expect(report.exitCode, report.stdout).toBe(0);
    const reportFile = parse<{ report_file: string }>(report.stdout).report_file;
    const send = (...flags: string[]) =>
      gembatch(
        root,
        ["send", "--issue-report-file", reportFile, "--files-to-fix", NOTIFY, "orders/payments.py", ...flags, "--json"],
        { emu },
      );
    const dry = parse<SendResult>((await send("--dry-run")).stdout);
    expect(JSON.stringify(dry)).toMatch(/cache/);
    const run = await send("--max-cost", "0.0000001");
    expect(run.exitCode).toBe(4);
    expect(emu.record.counts["caches.create"] ?? 0).toBe(0);
    expect(emu.record.caches).toEqual([]);
    expect(parse<SendResult>(run.stdout).total_cost).toBe(0);
    // With room for the cache it is made (the check above is the budget's doing, not a cache that never happens).
    const roomy = await send("--max-cost", "5");
    expect(roomy.exitCode, roomy.stdout).toBe(0);
    expect(emu.record.caches.length).toBe(1);
  });
});

describe("careless settings are refused with a clear line (built bin)", () => {
  it("an api_key in the config is refused without echoing it; a base_url without a scheme and ledger/tmp paths out of the project are refused", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { api_key: "AIzaSyTHIS_IS_A_FAKE_KEY_0123456789abcdef" },
        /api_key: an API key does not belong in the config file/,
      ],
      [{ base_url: "localhost:8080" }, /base_url: must be a full http:\/\/ or https:\/\/ URL/],
      [{ ledger_file: "orders/service.py" }, /ledger_file: must end in \.jsonl/],
      [{ ledger_file: "../elsewhere.jsonl" }, /ledger_file must be a path inside the project/],
      [{ output: { tmp_dir: "/etc/gembatch" } }, /tmp_dir must be a path inside the project/],
      [{ output: { issues_dir: ".git/hooks" } }, /issues_dir must not be inside \.git/],
    ];
    for (const [config, message] of cases) {
      const root = exampleProject();
      write(root, "gembatch.config.json", JSON.stringify(config));
      const run = await gembatch(root, ["scan", "--json"], { emu: null });
      expect(run.exitCode, JSON.stringify(config)).toBe(2);
      expect(parse<ErrorDoc>(run.stdout).error.message).toMatch(message);
      expect(run.stdout + run.stderr).not.toContain("THIS_IS_A_FAKE_KEY");
    }
  });

  it("--commit stages a file named orders/*.py as that one file, not as a glob", async () => {
    const root = exampleProject({ git: true });
    const star = "orders/*.py";
    writeFileSync(path.join(root, star), read(root, NOTIFY));
    await execa("git", ["add", "--", ":(literal)orders/*.py"], { cwd: root });
    await execa("git", ["commit", "-qm", "a hostile name"], { cwd: root });
    write(root, "orders/models.py", `${read(root, "orders/models.py")}# my own edit\n`);
    const emu = await useEmulator({ script: [answer(star, goodFix(root, NOTIFY))] });
    const run = await gembatch(
      root,
      [
        "scan-and-fix",
        star,
        "--rules",
        "logger-bind",
        "--verify",
        "python3 -m py_compile {file}",
        "--commit",
        "--allow-dirty",
        "--json",
      ],
      { emu, env: { GEMBATCH_STATE_DIR: stateDir() } },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const shown = await execa("git", ["show", "--name-only", "--format=", "HEAD"], { cwd: root });
    expect(shown.stdout.split("\n").filter(Boolean)).toEqual([star]);
    // The user's own edit is neither committed nor staged: a glob pathspec would have staged it.
    const staged = await execa("git", ["diff", "--cached", "--name-only"], { cwd: root });
    expect(staged.stdout).toBe("");
    const status = await execa("git", ["status", "--porcelain"], { cwd: root });
    expect(status.stdout).toContain(" M orders/models.py");
    expect(readFileSync(path.join(root, "orders/models.py"), "utf8")).toContain("# my own edit");
  });
});
