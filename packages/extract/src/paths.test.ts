import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkRelativePath, shownPath, staysInside } from "./paths.js";
import { project, tempDir } from "./test-helpers/project.js";

describe("checkRelativePath", () => {
  it.each([
    ["src/a.py", "src/a.py"],
    ["./src//a.py", "src/a.py"],
    ["src\\win\\a.py", "src/win/a.py"],
    ["src/../lib/a.py", "lib/a.py"],
    [" src/a b.py ", "src/a b.py"],
  ])("accepts %s as %s", (raw, normalised) => {
    expect(checkRelativePath(raw)).toEqual({ ok: true, path: normalised });
  });

  it.each([
    ["/etc/passwd", "absolute_path"],
    ["C:\\Windows\\x.py", "absolute_path"],
    ["~/x.py", "absolute_path"],
    ["file:///etc/passwd", "absolute_path"],
    ["../x.py", "outside_project"],
    ["src/../../x.py", "outside_project"],
    ["..", "outside_project"],
    [".git/hooks/pre-commit", "unsafe_path"],
    ["src/.GIT/config", "unsafe_path"],
    ["src/a\u0000.py", "unsafe_path"],
    ["src/", "unsafe_path"],
    [".", "no_path"],
    ["", "no_path"],
  ])("refuses %s as %s", (raw, code) => {
    expect(checkRelativePath(raw)).toMatchObject({ ok: false, code });
  });

  it("refuses a reserved name", () => {
    expect(checkRelativePath("EXTRACTION_CONTEXT.md", ["EXTRACTION_CONTEXT.md"])).toMatchObject({ ok: false, code: "unsafe_path" });
  });
});

describe("staysInside", () => {
  it("follows symlinks of the project and refuses those that lead out", async () => {
    const root = project({ "src/a.py": "x\n" });
    const outside = tempDir();
    symlinkSync(outside, path.join(root, "vendor"));
    symlinkSync(path.join(root, "src"), path.join(root, "alias"));
    symlinkSync(path.join(outside, "missing"), path.join(root, "dangling"));
    mkdirSync(path.join(root, "new"));
    expect(await staysInside(root, "src/a.py")).toBe(true);
    expect(await staysInside(root, "src/new/deep/b.py")).toBe(true);
    expect(await staysInside(root, "alias/a.py")).toBe(true);
    expect(await staysInside(root, "vendor/x.py")).toBe(false);
    expect(await staysInside(root, "vendor/deeper/x.py")).toBe(false);
    expect(await staysInside(root, "dangling")).toBe(false);
  });
});

describe("shownPath", () => {
  it("is project-relative with /, the root itself is '.', and a path outside stays absolute", () => {
    const root = path.resolve("/srv/project");
    expect(shownPath(root, path.join(root, "tmp", "gemini_extracted_1", "a.py"))).toBe("tmp/gemini_extracted_1/a.py");
    expect(shownPath(root, root)).toBe(".");
    expect(shownPath(root, path.resolve("/elsewhere/reply.md"))).toBe(path.resolve("/elsewhere/reply.md"));
    expect(shownPath(root, path.resolve("/srv/project-2/reply.md"))).toBe(path.resolve("/srv/project-2/reply.md"));
  });
});
