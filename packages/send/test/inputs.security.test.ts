import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gembatch, requireBuiltBin, tempDir, useEmulator } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";

// What send reads is what the model sees and what apply writes back: a file that is not UTF-8 text,
// or a path that leaves the project or enters .git, is refused before anything is sent.
const KEY = "security-send-key";
const SECRET = "aws_secret_access_key=FAKESECRET123";
const TOKEN = "FAKETOKEN456";
const LATIN1 = Buffer.from("# caf\xe9\nprice = 1\n", "latin1");

await requireBuiltBin();

function project(): { root: string; outside: string } {
  const outside = tempDir("gembatch-outside-");
  writeFileSync(path.join(outside, "credentials"), `[default]\n${SECRET}\n`);
  const root = tempDir("gembatch-send-sec-");
  mkdirSync(path.join(root, ".git"));
  writeFileSync(
    path.join(root, ".git", "config"),
    `[remote "origin"]\n\turl = https://x-access-token:${TOKEN}@example.com/o/r.git\n`,
  );
  mkdirSync(path.join(root, "src"));
  mkdirSync(path.join(root, "tmp", "issues"), { recursive: true });
  writeFileSync(path.join(root, "src", "a.py"), "a = 1\n");
  writeFileSync(path.join(root, "src", "latin.py"), LATIN1);
  writeFileSync(path.join(root, "src", "blob.py"), Buffer.from([0x61, 0x3d, 0x31, 0x00, 0x0a]));
  symlinkSync(path.join(outside, "credentials"), path.join(root, "src", "settings.py"));
  symlinkSync("../.git/config", path.join(root, "src", "ci.py"));
  writeFileSync(
    path.join(root, "tmp", "issues", "fix_x.md"),
    "# Issue Report: x\n\n## Files to Fix\n1. src/a.py\n\n## Issue Details\nSet a to 2.\n",
  );
  return { root, outside };
}

const emulator = () => useEmulator({ apiKey: KEY });

function send(root: string, url: string, args: string[]) {
  return gembatch(root, ["send", ...args], {
    GEMINI_API_KEY: KEY,
    GEMBATCH_BASE_URL: url,
    GEMBATCH_MODEL: "gemini-2.5-flash-lite",
  });
}

function writtenUnder(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), "utf8"))
    .join("\n");
}

/** The one error line gembatch printed (the hint follows on its own line). */
function errorLine(stderr: string): string {
  return stderr.split("\n").find((line) => line.startsWith("gembatch send: error: ")) ?? stderr;
}

describe("send refuses files it cannot send faithfully or safely (built bin)", () => {
  it("a Latin-1 file and a binary file: exit 2, one line with the field, the file and the byte offset; nothing sent, bytes untouched", async () => {
    const { root } = project();
    const emu = await emulator();
    const latin = await send(root, emu.url, [
      "--issue-report-file",
      "tmp/issues/fix_x.md",
      "--files-to-fix",
      "src/a.py",
      "src/latin.py",
    ]);
    expect(latin.exitCode).toBe(2);
    expect(errorLine(latin.stderr)).toBe(
      "gembatch send: error: files_to_fix[1]: not UTF-8 text: src/latin.py (byte 0xE9 at offset 5)",
    );
    expect(latin.stderr).not.toMatch(/\n\s+at /);
    const blob = await send(root, emu.url, [
      "--issue-report-file",
      "tmp/issues/fix_x.md",
      "--files-to-fix",
      "src/blob.py",
      "--json",
    ]);
    expect(blob.exitCode).toBe(2);
    expect((JSON.parse(blob.stdout) as { error: { message: string } }).error.message).toBe(
      "files_to_fix[0]: binary file (contains NUL bytes): src/blob.py (a NUL byte at offset 3)",
    );
    expect(emu.record.generate).toEqual([]);
    expect(readFileSync(path.join(root, "src", "latin.py")).equals(LATIN1)).toBe(true);
  });

  it("files_to_fix through a symlink out of the project, into .git, or in .git: exit 2 naming the entry; no secret anywhere", async () => {
    const { root } = project();
    const emu = await emulator();
    const cases: Array<[string, string]> = [
      ["src/settings.py", "files_to_fix[0]: a symlink that leads outside the project root: src/settings.py"],
      ["src/ci.py", "files_to_fix[0]: a symlink into .git: src/ci.py"],
      [".git/config", "files_to_fix[0]: inside .git: .git/config"],
    ];
    let output = "";
    for (const [file, message] of cases) {
      const run = await send(root, emu.url, ["--issue-report-file", "tmp/issues/fix_x.md", "--files-to-fix", file]);
      expect(run.exitCode).toBe(2);
      expect(errorLine(run.stderr)).toBe(`gembatch send: error: ${message}`);
      output += run.stdout + run.stderr;
    }
    expect(emu.record.generate).toEqual([]);
    for (const text of [output, writtenUnder(path.join(root, "tmp"))]) {
      expect(text).not.toContain("FAKESECRET123");
      expect(text).not.toContain(TOKEN);
    }
  });

  it("the files a report lists are checked the same way when files_to_fix is not given", async () => {
    const { root } = project();
    const emu = await emulator();
    const made = await gembatch(root, ["report", "--issue", "git", "src/a.py", "--details", "x"]);
    expect(made.exitCode).toBe(0);
    const report = path.join(root, "tmp", "issues", "fix_git.md");
    writeFileSync(report, readFileSync(report, "utf8").replace(/^1\. src\/a\.py$/m, "1. src/a.py\n2. src/ci.py"));
    const run = await send(root, emu.url, ["--issue-report-file", "tmp/issues/fix_git.md"]);
    expect(run.exitCode).toBe(2);
    expect(errorLine(run.stderr)).toBe(
      "gembatch send: error: files_to_fix[1] (from the report): a symlink into .git: src/ci.py",
    );
    expect(emu.record.generate).toEqual([]);
  });

  it("an issue report inside the project that is a symlink out is refused, not sent as the shared context", async () => {
    const { root, outside } = project();
    const emu = await emulator();
    symlinkSync(path.join(outside, "credentials"), path.join(root, "tmp", "issues", "fix_y.md"));
    const run = await send(root, emu.url, [
      "--issue-report-file",
      "tmp/issues/fix_y.md",
      "--files-to-fix",
      "src/a.py",
      "--json",
    ]);
    expect(run.exitCode).toBe(2);
    expect((JSON.parse(run.stdout) as { error: { message: string } }).error.message).toBe(
      "issue_report_file: a symlink that leads outside the project root: tmp/issues/fix_y.md",
    );
    expect(emu.record.generate).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain("FAKESECRET123");
  });
});
