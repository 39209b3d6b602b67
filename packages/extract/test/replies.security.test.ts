import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gembatch, projectDir as project, requireBuiltBin } from "@gembatch/test-utils";
import { put } from "./helpers/project.js";
import type { ExtractResult } from "../src/run-extract.js";

// Runs the built umbrella bin, as an agent or a developer would.
const ESC = "\u001b";
await requireBuiltBin();

function block(file: string, body: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(`<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\n`),
    Buffer.from(body),
    Buffer.from(`\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`),
  ]);
}

describe("gembatch extract against hostile replies (built bin)", () => {
  it("raw bytes in a response file: each bad block refused with its code, the good one extracted", async () => {
    const root = project({ "src/a.py": "a = 1\n", "src/b.py": "b = 1\n", "src/c.py": "c = 1\n" });
    const reply = Buffer.concat([
      block("src/a.py", Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x27, 0xff, 0xfe, 0x27, 0x0a])),
      block("src/b.py", "b = '\u0000'\n"),
      block("src/c.py", "c = 2\n"),
    ]);
    put(root, "reply.md", reply);
    const run = await gembatch(root, ["extract", "reply.md", "--json"]);
    expect(run.exitCode).toBe(1);
    const result = JSON.parse(run.stdout) as ExtractResult;
    expect(result.refused).toMatchObject([
      {
        path: "src/a.py",
        code: "invalid_utf8",
        reason: "the file holds bytes that are not valid UTF-8 (U+FFFD) at line 1",
      },
      { path: "src/b.py", code: "nul_byte", reason: "the file holds a NUL byte at line 1" },
    ]);
    expect(result.files.map((f) => f.path)).toEqual(["src/c.py"]);
    expect(existsSync(path.join(root, result.output_dir!, "src/a.py"))).toBe(false);
    expect(existsSync(path.join(root, result.output_dir!, "src/b.py"))).toBe(false);
  });

  it("paths a reply names are shown escaped: an escape sequence in a file name cannot repaint the terminal", async () => {
    const root = project();
    put(root, "reply.md", block(`src/${ESC}[2J${ESC}]0;all fixed\u0007.py`, "x = 1\n"));
    const run = await gembatch(root, ["extract", "reply.md"]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      "  src/\\x1b[2J\\x1b]0;all fixed\\x07.py: unsafe_path: the path holds control characters",
    );
    expect(run.stdout + run.stderr).not.toContain(ESC);
    expect(run.stdout + run.stderr).not.toContain("\u0007");
  });

  it("warnings, progress lines and errors on stderr show a file name's control characters instead of obeying them", async () => {
    const root = project();
    const name = `reply${ESC}[2J${ESC}]0;ok\u0007.md`;
    put(root, name, `<!-- CODE_FILE_END: a.py -->\n${block("a.py", "x = 1\n").toString()}`);
    const run = await gembatch(root, ["extract", name]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain(
      "warning: reply\\x1b[2J\\x1b]0;ok\\x07.md: CODE_FILE_END marker with no START marker at line 1",
    );
    expect(run.stderr).toContain("reply\\x1b[2J\\x1b]0;ok\\x07.md: finish reason unknown (no metadata)");
    const missing = await gembatch(root, ["extract", `gone${ESC}[2J.md`]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("error: markdown_file[0]: file not found: gone\\x1b[2J.md");
    // eslint-disable-next-line no-control-regex -- the test asserts no BEL or ESC reaches the terminal
    expect(run.stdout + run.stderr + missing.stdout + missing.stderr).not.toMatch(/[\u0007\u001b]/);
  });

  it("a project file that is itself a symlink (even inside the project) is refused: nothing is ever written through a link", async () => {
    const root = project({ "src/a.py": "a = 1\n" });
    symlinkSync("src/a.py", path.join(root, "alias.py"));
    put(root, "reply.md", block("alias.py", "a = 2\n"));
    const run = await gembatch(root, ["extract", "reply.md", "--json"]);
    expect(run.exitCode).toBe(1);
    expect((JSON.parse(run.stdout) as ExtractResult).refused).toMatchObject([
      {
        path: "alias.py",
        code: "unsafe_path",
        reason: "path: a symlink (gembatch never writes through a link): alias.py",
      },
    ]);
  });

  it("a directory of the project linking into .git is refused", async () => {
    const root = project();
    mkdirSync(path.join(root, ".git", "hooks"), { recursive: true });
    symlinkSync(path.join(root, ".git", "hooks"), path.join(root, "hooks"));
    writeFileSync(path.join(root, "reply.md"), block("hooks/pre-commit", "print('x')\n"));
    const run = await gembatch(root, ["extract", "reply.md", "--json"]);
    expect(run.exitCode).toBe(1);
    expect((JSON.parse(run.stdout) as ExtractResult).refused).toMatchObject([
      { path: "hooks/pre-commit", code: "unsafe_path", reason: "path: a symlink into .git: hooks/pre-commit" },
    ]);
  });
});
