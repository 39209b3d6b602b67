import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { exampleProject, gembatch, requireBuiltBin, tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import type { ReportResult } from "../src/cli.js";

// A hostile checkout: committed symlinks that lead to a credentials file outside the project and to
// .git/config (where CI checkouts keep a token), imported by a file that is flagged for fixing.
const SECRET = "aws_secret_access_key=FAKESECRET123";
const TOKEN = "FAKETOKEN456";

await requireBuiltBin();

function hostileProject(): { root: string; outside: string } {
  const outside = tempTree({ credentials: `[default]\n${SECRET}\n`, "vendor/keys.py": `KEY = "${SECRET}"\n` });
  const root = exampleProject();
  mkdirSync(path.join(root, ".git"));
  writeFileSync(
    path.join(root, ".git", "config"),
    `[remote "origin"]\n\turl = https://x-access-token:${TOKEN}@example.com/o/r.git\n`,
  );
  symlinkSync(path.join(outside, "credentials"), path.join(root, "orders", "settings.py"));
  symlinkSync("../.git/config", path.join(root, "orders", "ci.py"));
  const service = path.join(root, "orders", "service.py");
  writeFileSync(service, `from orders import settings, ci\n${readFileSync(service, "utf8")}`);
  return { root, outside };
}

const run = (root: string, args: string[]) => gembatch(root, args, { GEMBATCH_MODEL: "gemini-2.5-flash" });

/** Every file gembatch wrote under tmp/, as text. */
function written(root: string): string {
  const dir = path.join(root, "tmp");
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), "utf8"))
    .join("\n");
}

function expectNoSecret(root: string, output: string): void {
  for (const text of [written(root), output]) {
    expect(text).not.toContain("FAKESECRET123");
    expect(text).not.toContain(TOKEN);
  }
}

describe("report against committed symlinks (built bin)", () => {
  it("--include-imports leaves out an imported link that leads outside and one into .git, each with a warning", async () => {
    const { root } = hostileProject();
    const result = await run(root, [
      "report",
      "--issue",
      "x",
      "orders/service.py",
      "--include-imports",
      "--details",
      "d",
      "--json",
    ]);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as ReportResult;
    const paths = doc.context_files.map((f) => f.path);
    expect(paths).toContain("orders/models.py");
    expect(paths).not.toContain("orders/settings.py");
    expect(paths).not.toContain("orders/ci.py");
    expect(result.stderr).toContain(
      "warning: include_imports: a symlink that leads outside the project root: orders/settings.py; left out of the report",
    );
    expect(result.stderr).toContain(
      "warning: include_imports: a symlink into .git: orders/ci.py; left out of the report",
    );
    expectNoSecret(root, result.stdout + result.stderr);
  });

  it("--context-files naming such a link, or .git/config itself, is refused: exit 2, one line naming the field, no report", async () => {
    const { root } = hostileProject();
    const cases: Array<[string, string]> = [
      ["orders/settings.py", "context_files[0]: a symlink that leads outside the project root: orders/settings.py"],
      ["orders/ci.py", "context_files[0]: a symlink into .git: orders/ci.py"],
      [".git/config", "context_files[0]: inside .git: .git/config"],
    ];
    for (const [file, message] of cases) {
      const result = await run(root, [
        "report",
        "--issue",
        "x",
        "orders/payments.py",
        "--details",
        "d",
        "--context-files",
        file,
      ]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`gembatch report: error: ${message}\n`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(path.join(root, "tmp", "issues", "fix_x.md"))).toBe(false);
    expectNoSecret(root, "");
  });

  it("a files_to_fix entry that is such a link is refused the same way", async () => {
    const { root } = hostileProject();
    const result = await run(root, [
      "report",
      "--issue",
      "x",
      "orders/payments.py",
      "orders/settings.py",
      "--details",
      "d",
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "files_to_fix[1]: a symlink that leads outside the project root: orders/settings.py",
    );
    expectNoSecret(root, result.stderr);
  });

  it("--context-globs skips matched links that leave the project, enter .git or dangle, and never walks a symlinked directory out", async () => {
    const { root, outside } = hostileProject();
    symlinkSync(path.join(outside, "vendor"), path.join(root, "vendor"));
    symlinkSync(path.join(root, "orders", "missing.py"), path.join(root, "orders", "gone.py"));
    symlinkSync("storage.py", path.join(root, "orders", "store_alias.py"));
    const result = await run(root, [
      "report",
      "--issue",
      "x",
      "orders/payments.py",
      "--details",
      "d",
      "--context-globs",
      "orders/*.py",
      "vendor/*.py",
      "**/*.py",
      "--json",
    ]);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as ReportResult;
    const paths = doc.context_files.map((f) => f.path);
    // A link that stays inside the project is an ordinary context file.
    expect(paths).toContain("orders/store_alias.py");
    expect(paths).toContain("orders/models.py");
    expect(paths.filter((p) => /settings|ci\.py|gone|vendor/.test(p))).toEqual([]);
    expect(doc.warnings).toEqual(
      expect.arrayContaining([
        "context_globs[0]: a symlink that leads outside the project root: orders/settings.py; left out of the report",
        "context_globs[0]: a symlink into .git: orders/ci.py; left out of the report",
        "context_globs[0]: a dangling symlink: orders/gone.py; left out of the report",
        "context_globs[1]: a symlink that leads outside the project root: vendor/keys.py; left out of the report",
      ]),
    );
    expectNoSecret(root, result.stdout + result.stderr);
    // A recursive glob does not even list what lies behind a symlinked directory.
    const recursive = await run(root, [
      "report",
      "--issue",
      "z",
      "orders/payments.py",
      "--details",
      "d",
      "--context-globs",
      "**/*.py",
      "--json",
    ]);
    expect(recursive.exitCode).toBe(0);
    expect((JSON.parse(recursive.stdout) as ReportResult).warnings!.filter((w) => w.includes("vendor"))).toEqual([]);
  });

  it("a chain of links that ends outside is refused at its first link, and a dangling import is named, not dropped", async () => {
    const { root, outside } = hostileProject();
    symlinkSync(path.join(outside, "credentials"), path.join(root, "hop2.py"));
    symlinkSync("../hop2.py", path.join(root, "orders", "hop1.py"));
    symlinkSync(path.join(root, "nowhere.py"), path.join(root, "orders", "gone.py"));
    writeFileSync(path.join(root, "orders", "uses_gone.py"), "from orders import gone, hop1\n");
    const chain = await run(root, [
      "report",
      "--issue",
      "x",
      "orders/payments.py",
      "--details",
      "d",
      "--context-files",
      "orders/hop1.py",
    ]);
    expect(chain.exitCode).toBe(2);
    expect(chain.stderr).toContain("context_files[0]: a symlink that leads outside the project root: orders/hop1.py");
    const imports = await run(root, [
      "report",
      "--issue",
      "y",
      "orders/uses_gone.py",
      "--details",
      "d",
      "--include-imports",
      "--json",
    ]);
    expect(imports.exitCode).toBe(0);
    expect((JSON.parse(imports.stdout) as ReportResult).warnings).toEqual(
      expect.arrayContaining([
        "include_imports: a dangling symlink: orders/gone.py; left out of the report",
        "include_imports: a symlink that leads outside the project root: orders/hop1.py; left out of the report",
      ]),
    );
    expectNoSecret(root, chain.stderr + imports.stdout + imports.stderr);
  });

  it("a --details-file inside the project that is a link out is refused", async () => {
    const { root } = hostileProject();
    const result = await run(root, [
      "report",
      "--issue",
      "x",
      "orders/payments.py",
      "--details-file",
      "orders/settings.py",
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("details_file: a symlink that leads outside the project root: orders/settings.py");
    expectNoSecret(root, result.stderr);
  });
});
