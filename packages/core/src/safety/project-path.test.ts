import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { guardProjectPath, readProjectFile, writeProjectFile } from "./project-path.js";

function tree() {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "gembatch-guard-")));
  const root = path.join(base, "project");
  const outside = path.join(base, "outside");
  mkdirSync(path.join(root, "src", "inner"), { recursive: true });
  mkdirSync(path.join(root, ".git"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, "src", "a.py"), "a\n");
  writeFileSync(path.join(root, ".git", "config"), "[remote] token\n");
  writeFileSync(path.join(outside, "secret"), "SECRET\n");
  return { root, outside };
}

const read = (root: string, p: string) => () => guardProjectPath(root, p, { field: "f", purpose: "read" });
const write = (root: string, p: string) => () => guardProjectPath(root, p, { field: "f", purpose: "write" });

describe("guardProjectPath", () => {
  it("accepts files inside the root and links that stay inside", () => {
    const { root } = tree();
    symlinkSync("a.py", path.join(root, "src", "alias.py"));
    symlinkSync("src", path.join(root, "srclink"));
    expect(read(root, "src/a.py")()).toMatchObject({ relative: "src/a.py", exists: true });
    expect(read(root, "src/alias.py")()).toMatchObject({ relative: "src/a.py" });
    expect(read(root, "srclink/a.py")()).toMatchObject({ relative: "src/a.py" });
    expect(write(root, "src/new/dir/b.py")()).toMatchObject({ relative: "src/new/dir/b.py", exists: false });
    expect(read(root, path.join(root, "src", "a.py"))()).toMatchObject({ relative: "src/a.py" });
  });

  it("refuses escapes, links out, .git, links into .git, and non-files, naming the field", () => {
    const { root, outside } = tree();
    symlinkSync(path.join(outside, "secret"), path.join(root, "src", "settings.py"));
    symlinkSync(outside, path.join(root, "src", "out"));
    symlinkSync("../.git/config", path.join(root, "src", "gitconfig.py"));
    symlinkSync("nowhere", path.join(root, "src", "dangling.py"));
    symlinkSync("settings.py", path.join(root, "src", "chain.py"));
    const cases: Array<[() => unknown, RegExp]> = [
      [read(root, "../outside/secret"), /f: outside the project root/],
      [read(root, path.join(outside, "secret")), /outside the project root/],
      [read(root, "src/settings.py"), /symlink that leads outside/],
      [read(root, "src/chain.py"), /symlink that leads outside/],
      [read(root, "src/out/secret"), /symlink that leads outside/],
      [write(root, "src/out/new.py"), /symlink that leads outside/],
      [read(root, ".git/config"), /inside \.git/],
      [read(root, ".GIT/config"), /inside \.git/],
      [write(root, "src/.git/hooks/pre-commit"), /inside \.git/],
      [read(root, "src/gitconfig.py"), /symlink into \.git/],
      [read(root, "src/dangling.py"), /dangling symlink/],
      [read(root, "src"), /a directory/],
      [read(root, "."), /project root itself/],
      [read(root, "src/a.py\0x"), /NUL/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrowError(message);
      try {
        call();
      } catch (error) {
        expect((error as { code: string }).code).toBe("PATH_OUTSIDE_PROJECT");
      }
    }
  });

  it("locates directories, the root itself and paths not made yet, but nothing outside the root", () => {
    const { root, outside } = tree();
    symlinkSync(outside, path.join(root, "out"));
    const locate = (p: string) => () => guardProjectPath(root, p, { field: "f", purpose: "locate" });
    expect(locate(".")()).toMatchObject({ relative: "", exists: true });
    expect(locate(root)()).toMatchObject({ relative: "", exists: true });
    expect(locate("src")()).toMatchObject({ relative: "src", exists: true });
    expect(locate("tmp/run/new")()).toMatchObject({ relative: "tmp/run/new", exists: false });
    expect(locate("..")).toThrowError(/f: outside the project root/);
    expect(locate(outside)).toThrowError(/outside the project root/);
    expect(locate("out")).toThrowError(/symlink that leads outside/);
    expect(locate(".git")).toThrowError(/inside \.git/);
  });

  it("never writes through a link, even one that stays inside", async () => {
    const { root } = tree();
    symlinkSync("a.py", path.join(root, "src", "alias.py"));
    expect(write(root, "src/alias.py")).toThrowError(/never writes through a link/);
    await expect(writeProjectFile(root, "src/alias.py", Buffer.from("x"), { field: "f" })).rejects.toThrow(
      /never writes through a link/,
    );
  });

  it("reads and writes whole files through the guard, keeping a mode", async () => {
    const { root } = tree();
    await writeProjectFile(root, "src/new/b.py", Buffer.from("b\n"), { field: "f", mode: 0o755 });
    expect(readProjectFile(root, "src/new/b.py", { field: "f" }).bytes.toString()).toBe("b\n");
    expect((await import("node:fs")).statSync(path.join(root, "src/new/b.py")).mode & 0o777).toBe(0o755);
  });
});
