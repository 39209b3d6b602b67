import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { binEnv, runExampleTests, servedUrl, tempDir } from "@gembatch/test-utils";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
// The test runner puts the repo's node_modules/.bin on PATH (with a `gembatch` of its own) and its
// package store on NODE_PATH (where every workspace package resolves): a user's project has neither,
// and with them a missing piece of the tarball would be found in the repo and go unnoticed.
const PATH = (process.env.PATH ?? "")
  .split(path.delimiter)
  .filter((dir) => !path.resolve(dir).startsWith(path.resolve(repo)))
  .join(path.delimiter);
const env = binEnv({
  PATH,
  NODE_PATH: "",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
});

/** `npx --no -- gembatch …`: the form the docs teach; it never downloads a package of that name. */
function npxGembatch(cwd: string, args: string[], extra: Record<string, string> = {}) {
  return execa("npx", ["--no", "--", "gembatch", ...args], { cwd, reject: false, env: { ...env, ...extra } });
}

describe("the packed CLI in a user's project", () => {
  it("packs one tarball with no workspace dependencies; npm i -D makes `npx gembatch` run help, scan and the offline demo", async () => {
    const out = tempDir("gembatch-pack-out-");
    const pack = await execa(process.execPath, [path.join(repo, "scripts", "pack.mjs"), "--out-dir", out], {
      reject: false,
    });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarball = pack.stdout.trim();
    expect(path.basename(tarball)).toMatch(/^gembatch-\d+\.\d+\.\d+\.tgz$/);

    // A project of its own in the system temp dir: no workspace, no lockfile, nothing of ours above it.
    const project = tempDir("gembatch-user-project-");
    cpSync(path.join(repo, "examples", "python-service"), project, { recursive: true });
    writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "user-project", private: true })}\n`);
    const install = await execa(
      "npm",
      ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", tarball],
      { cwd: project, reject: false, env },
    );
    expect(install.exitCode, install.stderr).toBe(0);

    const installed = readFileSync(path.join(project, "node_modules", "@gembatch", "cli", "package.json"), "utf8");
    expect(installed).not.toContain("workspace:");
    expect((JSON.parse(installed) as { name: string }).name).toBe("@gembatch/cli");
    expect(
      (
        JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as {
          devDependencies: Record<string, string>;
        }
      ).devDependencies["@gembatch/cli"],
    ).toMatch(/gembatch-.*\.tgz$/);

    const help = await npxGembatch(project, ["--help"]);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: gembatch[\s\S]*scan-and-fix[\s\S]*doctor/);

    const scan = await npxGembatch(project, ["scan", "--json"]);
    expect(scan.exitCode, scan.stderr).toBe(0);
    expect((JSON.parse(scan.stdout) as { findings: Array<{ rule: string }> }).findings.map((f) => f.rule)).toContain(
      "logger-bind",
    );

    // A large tree goes to the scanner's worker threads, which the bundle carries as scan-worker.js, and
    // a structural rule parses Python with the prebuilt parser the package installed.
    const large = path.join(project, "generated");
    mkdirSync(large);
    for (let i = 0; i < 2100; i++)
      writeFileSync(
        path.join(large, `m${i}.py`),
        i === 7 ? "import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n" : `x = ${i}\n`,
      );
    const big = await npxGembatch(project, [
      "scan",
      "generated",
      "--rules",
      "blocking-call-in-async",
      "--workers",
      "2",
      "--json",
    ]);
    expect(big.exitCode, big.stderr).toBe(0);
    expect(JSON.parse(big.stdout)).toMatchObject({ workers: 2, files_scanned: 2100, summary: { total: 2 } });

    // The README's offline demo, from the installed package alone.
    const emulator = execa(
      process.execPath,
      [
        path.join(project, "node_modules", "@gembatch", "cli", "bin", "gembatch.js"),
        "emulator",
        "--port",
        "0",
        "--script",
        "demo/emulator-replies.json",
        "--any-key",
      ],
      { cwd: project, reject: false, env },
    );
    const url = await servedUrl(emulator);
    const online = { GEMBATCH_BASE_URL: url, GEMINI_API_KEY: "test-key" };
    const fix = await npxGembatch(project, ["scan-and-fix", "--rules", "logger-bind", "--json"], online);
    expect(fix.exitCode, fix.stderr).toBe(0);
    expect(JSON.parse(fix.stdout)).toMatchObject({ success: true, files_fixed: 3, files_failed: 0 });
    const tests = await runExampleTests(project);
    expect(tests.exitCode, tests.stderr).toBe(0);

    // A global install (into its own prefix) gives the same bin.
    const prefix = tempDir("gembatch-global-");
    const global = await execa(
      "npm",
      ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball],
      { reject: false, env },
    );
    expect(global.exitCode, global.stderr).toBe(0);
    const version = await execa(path.join(prefix, "bin", "gembatch"), ["--version"], { reject: false, env });
    expect(version.stdout.trim()).toBe((JSON.parse(installed) as { version: string }).version);
  }, 120_000);
});
