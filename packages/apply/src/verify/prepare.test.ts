import { execa } from "execa";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareCommand, shellQuote, substituteForShell } from "./prepare.js";

const HOSTILE = [
  "orders/$(touch X).py",
  "a; touch X.py",
  "b`touch X`.py",
  "c'; touch X; '.py",
  'd"; touch X; ".py',
  "e $(touch X) `touch X` ' \" ; | & > X.py",
  "f\ntouch X.py",
  "-rf.py",
];
const QUOTINGS = [
  "cat {file}",
  "cat '{file}'",
  'cat "{file}"',
  'cat "$(printf %s {file})"',
  "cat {file} && true",
  "cat '{file}' | cat",
  'sh -c \'cat "$1"\' _ "{file}"',
  "echo \"$(cat '{file}')\"",
];
// The user's own unquoted expansions split words; they must still run nothing.
const SPLITTING = ["cat `printf %s {file}`", "cat $GEMBATCH_FILE | cat", "cat $(printf %s {file})"];

async function runPrepared(dir: string, command: string, file: string) {
  const prepared = prepareCommand(command, file);
  return execa(prepared.file, prepared.args, {
    cwd: dir,
    shell: prepared.shell,
    env: prepared.env,
    reject: false,
    all: true,
  });
}

describe("prepareCommand", () => {
  it("runs a command of plain words without a shell, the path one argument whatever it holds", () => {
    expect(prepareCommand("python3 -m py_compile {file}", "src/my file;rm -rf x.py")).toMatchObject({
      file: "python3",
      args: ["-m", "py_compile", "src/my file;rm -rf x.py"],
      shell: false,
      display: "python3 -m py_compile 'src/my file;rm -rf x.py'",
    });
    expect(prepareCommand('python3 -m py_compile "{file}"', "a b.py")).toMatchObject({
      shell: false,
      args: ["-m", "py_compile", "a b.py"],
    });
    expect(prepareCommand("ruff check --select=E '{file}'", "a.py").args).toEqual(["check", "--select=E", "a.py"]);
  });

  it("uses the shell only when the command needs one, and the path never becomes shell text", () => {
    const piped = prepareCommand("python3 {file} && echo ok", "it's.py");
    expect(piped).toMatchObject({
      shell: true,
      file: 'python3 "${GEMBATCH_FILE}" && echo ok',
      env: { GEMBATCH_FILE: "it's.py" },
    });
    expect(prepareCommand("pytest -q | tail -5", "a.py").shell).toBe(true);
    expect(prepareCommand('python3 -c "import sys"', "a.py")).toMatchObject({
      shell: false,
      args: ["-c", "import sys"],
    });
    expect(prepareCommand('python3 -c "import $X"', "a.py").shell).toBe(true);
    expect(prepareCommand("PYTHONWARNINGS=error python3 {file}", "a.py").shell).toBe(true);
    expect(prepareCommand("python3 -m unittest", "a.py").shell).toBe(false);
  });

  it("writes the reference for the quoting context the placeholder stands in", () => {
    expect(substituteForShell("x {file}")).toBe('x "${GEMBATCH_FILE}"');
    expect(substituteForShell('x "{file}"')).toBe('x "${GEMBATCH_FILE}"');
    expect(substituteForShell("x '{file}'")).toBe(`x ''"\${GEMBATCH_FILE}"''`);
    expect(substituteForShell('x "$(y {file})"')).toBe('x "$(y "${GEMBATCH_FILE}")"');
    expect(substituteForShell("x `y {file}`")).toBe('x `y "${GEMBATCH_FILE}"`');
    expect(substituteForShell('x "a\\"{file}"')).toBe('x "a\\"${GEMBATCH_FILE}"');
  });

  it("keeps a path starting with a dash from being read as an option", () => {
    expect(prepareCommand("cat {file}", "-n.py").args).toEqual(["./-n.py"]);
    expect(prepareCommand("cat {file} | cat", "-n.py").env.GEMBATCH_FILE).toBe("./-n.py");
  });

  it("quotes only what needs quoting in what it shows", () => {
    expect(shellQuote("src/a_b-1.py")).toBe("src/a_b-1.py");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("$(x)")).toBe("'$(x)'");
  });

  it("runs no command hidden in a file name, whatever the user's quoting (real sh)", async () => {
    for (const quoting of [...QUOTINGS, ...SPLITTING]) {
      for (const name of HOSTILE) {
        const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-prepare-"));
        const file = name.startsWith("-") ? name : name.replace(/\//g, "_");
        writeFileSync(path.join(dir, file), "content-of-the-file\n");
        const run = await runPrepared(dir, quoting, file);
        expect(readdirSync(dir).sort(), `${quoting} with ${JSON.stringify(name)}`).toEqual([file]);
        if (QUOTINGS.includes(quoting))
          expect(run.all, `${quoting} with ${JSON.stringify(name)}: ${run.all}`).toContain("content-of-the-file");
      }
    }
  });
});
