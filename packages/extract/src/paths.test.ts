import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkRelativePath, shownPath } from "./paths.js";

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
    expect(checkRelativePath("EXTRACTION_CONTEXT.md", ["EXTRACTION_CONTEXT.md"])).toMatchObject({
      ok: false,
      code: "unsafe_path",
    });
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
