import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Emulator } from "@gembatch/emulator";
import { tempTree } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";
import { addScanRule, answer, exampleProject, goodFix, LOGGER_BIND_FILES, read } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ErrorDoc } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";
import type { ScanResult } from "@gembatch/scan";
import type { SendResult } from "@gembatch/send";

// The reproduction: a flagged file imports `orders/settings.py`, a committed symlink to a
// credentials file outside the checkout, and `orders/ci.py`, a link to .git/config with a CI token.
const SECRET = "FAKESECRET123";
const TOKEN = "FAKETOKEN456";

function hostileProject(): string {
  const outside = tempTree({ credentials: `[default]\naws_secret_access_key=${SECRET}\n` });
  const root = exampleProject();
  mkdirSync(path.join(root, ".git"), { recursive: true });
  writeFileSync(
    path.join(root, ".git", "config"),
    `[remote "origin"]\n\turl = https://x-access-token:${TOKEN}@example.com/o/r.git\n`,
  );
  symlinkSync(path.join(outside, "credentials"), path.join(root, "orders", "settings.py"));
  symlinkSync("../.git/config", path.join(root, "orders", "ci.py"));
  writeFileSync(
    path.join(root, "orders", "service.py"),
    `from orders import settings, ci\n${read(root, "orders/service.py")}`,
  );
  return root;
}

function writtenUnder(dir: string): string {
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), "utf8"))
    .join("\n");
}

function expectNothingLeaked(root: string, emu: Emulator, output: string): void {
  expect(emu.record.generate.length).toBeGreaterThan(0);
  for (const [i, call] of emu.record.generate.entries()) {
    expect(call.prompt, `prompt ${i}`).not.toContain(SECRET);
    expect(call.prompt, `prompt ${i}`).not.toContain(TOKEN);
  }
  for (const text of [writtenUnder(path.join(root, "tmp")), output]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
  }
}

describe("secrets behind committed symlinks never reach the model (built bin, emulator)", () => {
  it("scan-and-fix --include-imports: the links are left out with a warning, the rule's files are still fixed", async () => {
    const root = hostileProject();
    const emu = await useEmulator({ script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))) });
    const run = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--include-imports", "--json"], {
      emu,
    });
    expect(run.exitCode).toBe(0);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result.files.map((f: { path: string; status: string }) => `${f.path}:${f.status}`)).toEqual(
      LOGGER_BIND_FILES.map((f) => `${f}:fixed`),
    );
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        "include_imports: a symlink that leads outside the project root: orders/settings.py; left out of the report",
        "include_imports: a symlink into .git: orders/ci.py; left out of the report",
      ]),
    );
    // The imports that are safe did go out: the report was built with them.
    expect(
      emu.record.generate.some((call) => call.prompt.includes("<!-- CODE_CONTEXT_START: orders/models.py -->")),
    ).toBe(true);
    expectNothingLeaked(root, emu, run.stdout + run.stderr);
  });

  it("report --include-imports then send: no request file and no prompt carries the secret or the token", async () => {
    const root = hostileProject();
    const emu = await useEmulator({ script: [answer("orders/service.py", goodFix(root, "orders/service.py"))] });
    const report = await gembatch(
      root,
      ["report", "--issue", "bind", "orders/service.py", "--details", "drop logger.bind", "--include-imports"],
      { emu: null },
    );
    expect(report.exitCode).toBe(0);
    const send = await gembatch(
      root,
      ["send", "--issue-report-file", "tmp/issues/fix_bind.md", "--files-to-fix", "orders/service.py", "--json"],
      { emu },
    );
    expect(send.exitCode).toBe(0);
    expect(emu.record.generate).toHaveLength(1);
    expectNothingLeaked(root, emu, report.stderr + send.stdout + send.stderr);
  });

  it("scan --report on a tree where a link into .git would match a rule: the link is not scanned, nothing quotes the token", async () => {
    const root = hostileProject();
    // A hostile config rule that matches the token line; the link to .git/config ends in .py so the rule applies.
    addScanRule(root, {
      id: "token-url",
      severity: "warning",
      message: "a token in a URL",
      pattern: "x-access-token",
      extensions: ["py"],
    });
    const run = await gembatch(root, ["scan", "--rules", "token-url", "--report", "--json"], { emu: null });
    const result = parse<ScanResult>(run.stdout);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: "orders/ci.py", reason: "inside-git" })]),
    );
    expect(writtenUnder(path.join(root, "tmp"))).not.toContain(TOKEN);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it("apply refuses an issue report (the one a retry sends again) that is a symlink out of the project", async () => {
    const root = hostileProject();
    const PAYMENTS = "orders/payments.py";
    const emu = await useEmulator({ script: [answer(PAYMENTS, goodFix(root, PAYMENTS))] });
    const scan = parse<ScanResult>(
      (await gembatch(root, ["scan", PAYMENTS, "--rules", "logger-bind", "--report", "--json"], { emu })).stdout,
    );
    const sent = parse<SendResult>(
      (await gembatch(root, ["send", "--issue-report-file", scan.reports![0]!.report_file!, "--json"], { emu })).stdout,
    );
    // A report-shaped file outside the checkout that carries the secret, reached through a committed link.
    const outside = tempTree({
      "report.md": read(root, scan.reports![0]!.report_file!).replace(
        "## Issue Details\n",
        `## Issue Details\n${SECRET}\n`,
      ),
    });
    symlinkSync(path.join(outside, "report.md"), path.join(root, "orders", "report.md"));
    const run = await gembatch(
      root,
      ["apply", "--run-dir", sent.output_dir, "--issue-report-file", "orders/report.md", "--json"],
      { emu },
    );
    expect(run.exitCode).toBe(2);
    expect(parse<ErrorDoc>(run.stdout).error.message).toBe(
      "issue_report_file: a symlink that leads outside the project root: orders/report.md",
    );
    expect(read(root, PAYMENTS)).toContain("logger.bind");
    expectNothingLeaked(root, emu, run.stdout + run.stderr);
  });
});
