import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { guardToolPaths } from "./path-guard.js";
import type { ToolSpec } from "./tools.js";

const spec: ToolSpec = {
  name: "t",
  command: ["t"],
  title: "t",
  effects: "",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  paths: [{ key: "files" }, { key: "work_dir" }, { key: "out" }],
  refused: { base_url: "decided by the server" },
};

function project() {
  const base = tempTree({ "project/src/a.py": "a\n", "outside/secret": "s\n" });
  const root = path.join(base, "project");
  symlinkSync(path.join(base, "outside"), path.join(root, "out-link"));
  mkdirSync(path.join(root, "sub"));
  return { root, outside: path.join(base, "outside") };
}

const guard =
  (root: string, args: Record<string, unknown>, cwd = root) =>
  () =>
    guardToolPaths(spec, args, { cwd, root });

describe("guardToolPaths", () => {
  it("lets files, directories, the root itself and paths not made yet through", () => {
    const { root } = project();
    expect(
      guard(root, { files: ["src/a.py", ".", "src", "tmp/new/file.md"], work_dir: "sub", out: "tmp/results" }),
    ).not.toThrow();
    expect(guard(root, { files: ["a.py"] }, path.join(root, "src"))).not.toThrow();
    expect(guard(root, { files: 3, work_dir: null })).not.toThrow(); // not strings: the schema's business
  });

  it("refuses a path outside the root, naming the field and item, whichever way it leaves", () => {
    const { root, outside } = project();
    expect(guard(root, { files: ["src/a.py", "../outside/secret"] })).toThrowError(
      "files[1]: outside the project root: ../outside/secret",
    );
    expect(guard(root, { work_dir: outside })).toThrowError(/^work_dir: outside the project root/);
    expect(guard(root, { files: ["out-link/secret"] })).toThrowError(
      "files[0]: a symlink that leads outside the project root: out-link/secret",
    );
    expect(guard(root, { files: [".git/config"] })).toThrowError(/inside \.git/);
    expect(guard(root, { files: ["../a.py"] }, path.join(root, "src"))).not.toThrow();
    expect(guard(root, { files: ["../../a.py"] }, path.join(root, "src"))).toThrowError(/outside the project root/);
  });

  it("refuses the fields a caller may not set", () => {
    const { root } = project();
    expect(guard(root, { base_url: "https://collector.invalid" })).toThrowError(
      "base_url: not accepted over MCP: decided by the server",
    );
  });
});
