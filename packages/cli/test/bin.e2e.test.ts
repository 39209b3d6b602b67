import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";

const cliDir = fileURLToPath(new URL("../", import.meta.url));

/**
 * A package laid out as the CLI's is, with the real bin, a bundle and a dist whose entries only say
 * which of them ran. `dist: false` is the packed tarball (bin and bundle alone).
 */
function layout(options: { dist: boolean }): {
  dir: string;
  run(): Promise<string>;
  age(file: string, s: number): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gembatch-bin-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(cliDir, "bin"), path.join(dir, "bin"), { recursive: true });
  mkdirSync(path.join(dir, "bundle"));
  writeFileSync(path.join(dir, "bundle", "main.js"), 'process.stdout.write("bundle");\n');
  writeFileSync(path.join(dir, "bundle", "built-from.json"), JSON.stringify(["../dist/main.js", "../dist/other.js"]));
  if (options.dist) {
    mkdirSync(path.join(dir, "dist"));
    writeFileSync(path.join(dir, "dist", "main.js"), 'process.stdout.write("dist");\n');
    writeFileSync(path.join(dir, "dist", "other.js"), "");
  }
  const age = (file: string, seconds: number) => {
    const at = new Date(Date.now() - seconds * 1000);
    utimesSync(path.join(dir, file), at, at);
  };
  // As a build leaves it: dist first, the bundle after.
  if (options.dist) for (const file of ["dist/main.js", "dist/other.js"]) age(file, 60);
  age("bundle/main.js", 30);
  return {
    dir,
    age,
    run: async () => (await execa(process.execPath, [path.join(dir, "bin", "gembatch.js")])).stdout,
  };
}

describe("the bin runs the bundle only when it is current", () => {
  it("runs the bundle built after every dist file it was made from", async () => {
    expect(await layout({ dist: true }).run()).toBe("bundle");
  });

  it("runs dist once a dist file the bundle was made from is newer (`tsc -b` without the bundling step)", async () => {
    const pkg = layout({ dist: true });
    pkg.age("dist/other.js", 0);
    expect(await pkg.run()).toBe("dist");
  });

  it("runs dist when the bundle has no list of what it was built from, or a file on it is gone", async () => {
    const unlisted = layout({ dist: true });
    rmSync(path.join(unlisted.dir, "bundle", "built-from.json"));
    expect(await unlisted.run()).toBe("dist");
    const gone = layout({ dist: true });
    rmSync(path.join(gone.dir, "dist", "other.js"));
    expect(await gone.run()).toBe("dist");
  });

  it("runs the bundle where there is no dist (the packed tarball)", async () => {
    expect(await layout({ dist: false }).run()).toBe("bundle");
  });

  it("the build lists the workspace files the real bundle was made from, each one there", () => {
    const list = path.join(cliDir, "bundle", "built-from.json");
    const builtFrom = JSON.parse(readFileSync(list, "utf8")) as string[];
    expect(builtFrom).toContain("../dist/main.js");
    expect(builtFrom).toContain("../../core/dist/index.js");
    expect(builtFrom.filter((file) => file.includes("node_modules"))).toEqual([]);
    for (const file of builtFrom) expect(existsSync(path.join(cliDir, "bundle", file)), file).toBe(true);
  });
});
