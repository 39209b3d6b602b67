import { describe, expect, it } from "vitest";
import { prepareCommand, shellQuote } from "./prepare.js";

describe("prepareCommand", () => {
  it("runs a plain command without a shell, the path one argument whatever it holds", () => {
    expect(prepareCommand("python3 -m py_compile {file}", "src/my file;rm -rf x.py")).toEqual({
      file: "python3",
      args: ["-m", "py_compile", "src/my file;rm -rf x.py"],
      shell: false,
      display: "python3 -m py_compile 'src/my file;rm -rf x.py'",
    });
    expect(prepareCommand("ruff check --select=E {file}", "a.py").args).toEqual(["check", "--select=E", "a.py"]);
  });

  it("uses the shell only when the command needs one, with the path single-quoted", () => {
    expect(prepareCommand("python3 {file} && echo ok", "it's.py")).toMatchObject({ shell: true, file: "python3 'it'\\''s.py' && echo ok" });
    expect(prepareCommand("pytest -q | tail -5", "a.py").shell).toBe(true);
    expect(prepareCommand('python3 -c "import sys"', "a.py").shell).toBe(true);
    expect(prepareCommand("PYTHONWARNINGS=error python3 {file}", "a.py").shell).toBe(true);
    expect(prepareCommand("python3 -m unittest", "a.py").shell).toBe(false);
  });

  it("keeps a path starting with a dash from being read as an option", () => {
    expect(prepareCommand("cat {file}", "-n.py").args).toEqual(["./-n.py"]);
  });

  it("quotes only what needs quoting", () => {
    expect(shellQuote("src/a_b-1.py")).toBe("src/a_b-1.py");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("$(x)")).toBe("'$(x)'");
  });
});
