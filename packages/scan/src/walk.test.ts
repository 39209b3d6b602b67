import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitInit, tempTree } from "@gembatch/test-utils";
import { walk } from "./walk.js";

const tree = {
  ".gitignore": "*.log\nbuild/\n/dist\n!keep.log\nsecret*.txt\n",
  "app.py": "",
  "keep.log": "",
  "debug.log": "",
  "build/out.py": "",
  "dist/bundle.js": "",
  "src/dist/module.py": "",
  "src/.gitignore": "generated/\n!important.txt\n*.tmp\n",
  "src/main.py": "",
  "src/cache.tmp": "",
  "src/generated/schema.py": "",
  "src/secret-key.txt": "",
  "src/important.txt": "",
  "src/deep/.gitignore": "!*.tmp\n",
  "src/deep/keep.tmp": "",
  "src/deep/drop.log": "",
  "docs/build/index.md": "",
  "docs/guide.md": "",
};

function gitListing(dir: string): string[] {
  return git(dir, "ls-files", "--cached", "--others", "--exclude-standard")
    .split("\n")
    .filter((line) => line !== "" && !line.split("/").some((segment) => segment.startsWith(".")))
    .sort();
}

describe("walk", () => {
  it("applies nested .gitignore files exactly as git does", () => {
    const dir = tempTree(tree);
    gitInit(dir);
    const ours = walk({ root: dir }).files;
    expect(ours).toEqual(gitListing(dir));
    expect(ours).toContain("keep.log");
    expect(ours).toContain("src/deep/keep.tmp");
    expect(ours).toContain("src/dist/module.py");
  });

  it("walks a directory a deeper negation re-includes even when a root rule would prune it", () => {
    const dir = tempTree({
      ".gitignore": "vendor/\n",
      "a/.gitignore": "!vendor/\n",
      "a/vendor/lib.py": "",
      "vendor/x.py": "",
      "ok.py": "",
    });
    gitInit(dir);
    expect(walk({ root: dir }).files).toEqual(gitListing(dir));
    expect(walk({ root: dir }).files).toContain("a/vendor/lib.py");
  });

  it("honours .gembatchignore even when .gitignore is off", () => {
    const dir = tempTree({
      ".gitignore": "*.log\n",
      ".gembatchignore": "legacy/\n",
      "legacy/old.py": "",
      "a.log": "",
      "new.py": "",
    });
    expect(walk({ root: dir }).files).toEqual(["new.py"]);
    expect(walk({ root: dir, gitignore: false }).files).toEqual(["a.log", "new.py"]);
  });

  it("skips dot files and default excludes unless asked, and applies include/exclude globs", () => {
    const dir = tempTree({
      ".env.py": "",
      ".github/ci.py": "",
      "node_modules/x/i.js": "",
      "a/__pycache__/m.py": "",
      "a/m.py": "",
      "a/n.ts": "",
    });
    expect(walk({ root: dir }).files).toEqual(["a/m.py", "a/n.ts"]);
    expect(walk({ root: dir, hidden: true, defaultExcludes: false }).files).toEqual([
      ".env.py",
      ".github/ci.py",
      "a/__pycache__/m.py",
      "a/m.py",
      "a/n.ts",
      "node_modules/x/i.js",
    ]);
    expect(walk({ root: dir, include: ["**/*.ts"] }).files).toEqual(["a/n.ts"]);
    expect(walk({ root: dir, exclude: ["a/n.*"] }).files).toEqual(["a/m.py"]);
  });

  it("scans only the given paths, an explicitly named file even when ignored, and reports missing ones", () => {
    const dir = tempTree({ ".gitignore": "gen.py\n", "src/a.py": "", "src/gen.py": "", "lib/b.py": "" });
    const result = walk({ root: dir, paths: ["src", "src/gen.py", "nope"] });
    expect(result.files).toEqual(["src/a.py", "src/gen.py"]);
    expect(result.skipped).toEqual([{ file: "nope", reason: "not-found" }]);
  });

  it("never follows a symlink out of the root, and does not walk symlinked directories", () => {
    const outside = tempTree({ "secret.py": "password = 'x'\n", "dir/inner.py": "" });
    const dir = tempTree({ "src/a.py": "" });
    symlinkSync(path.join(outside, "secret.py"), path.join(dir, "src/leak.py"));
    symlinkSync(path.join(outside, "dir"), path.join(dir, "outdir"));
    symlinkSync(path.join(dir, "src/a.py"), path.join(dir, "alias.py"));
    symlinkSync(path.join(dir, "src"), path.join(dir, "srclink"));
    symlinkSync(path.join(dir, "missing.py"), path.join(dir, "broken.py"));
    mkdirSync(path.join(dir, "only"));
    writeFileSync(path.join(dir, "only/real.py"), "");
    symlinkSync(path.join(dir, "only/real.py"), path.join(dir, "solo.py"));
    const result = walk({ root: dir, exclude: ["only/**"] });
    expect(result.files).toEqual(["solo.py", "src/a.py"]);
    expect(result.skipped.map((s) => `${s.file}:${s.reason}`).sort()).toEqual([
      "broken.py:broken-symlink",
      "outdir:symlink-outside-root",
      "src/leak.py:symlink-outside-root",
      "srclink:symlink-directory",
    ]);
  });
});

describe("walk: .git and links out", () => {
  it("never scans inside .git: not through a link, not when named, not when its directory is given", () => {
    const dir = tempTree({ "src/a.py": "", ".git/config": "url = https://x-access-token:T@example.com\n" });
    symlinkSync("../.git/config", path.join(dir, "src/ci.py"));
    symlinkSync(".git", path.join(dir, "gitdir"));
    const all = walk({ root: dir, hidden: true });
    expect(all.files).toEqual(["src/a.py"]);
    expect(all.skipped.map((s) => `${s.file}:${s.reason}`).sort()).toEqual([
      "gitdir:inside-git",
      "src/ci.py:inside-git",
    ]);
    const named = walk({ root: dir, paths: [".git/config", "src/ci.py", ".git", "gitdir"] });
    expect(named.files).toEqual([]);
    expect(named.skipped.map((s) => `${s.file}:${s.reason}`).sort()).toEqual([
      ".git/config:inside-git",
      ".git:inside-git",
      "gitdir:inside-git",
      "src/ci.py:inside-git",
    ]);
  });

  it("does not walk a directory given by a path through a symlink that leads out", () => {
    const outside = tempTree({ "keys/secret.py": "password = 'x'\n" });
    const dir = tempTree({ "src/a.py": "" });
    symlinkSync(path.join(outside, "keys"), path.join(dir, "vendor"));
    const result = walk({ root: dir, paths: ["vendor", "src"] });
    expect(result.files).toEqual(["src/a.py"]);
    expect(result.skipped).toEqual([
      { file: "vendor", reason: "symlink-outside-root", detail: "not followed: it points outside the project root" },
    ]);
  });
});
