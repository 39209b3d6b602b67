import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { answer, exampleProject, goodFix, LOGGER_BIND_FILES } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";

// One Latin-1 file flagged by the same rule as three UTF-8 files: it is set aside on its own, with
// its reason, and never sent (a reply to it would turn its bytes into U+FFFD); the others are fixed.
const LEGACY = "orders/legacy.py";
const LATIN1 = Buffer.from(
  '# caf\xe9 receipts\nfrom orders.logger import logger\n\n\ndef note(order):\n    logger.bind(order_id=order.id).info("legacy")\n',
  "latin1",
);
const REASON = "not UTF-8 text (byte 0xE9 at offset 5)";

function projectWithLatin1(): string {
  const root = exampleProject();
  writeFileSync(path.join(root, LEGACY), LATIN1);
  return root;
}

describe("scan-and-fix with a non-UTF-8 file among the flagged ones (built bin, emulator)", () => {
  it("sets the Latin-1 file aside with its reason (JSON, SUMMARY.md, stderr), fixes the others, leaves its bytes alone", async () => {
    const root = projectWithLatin1();
    const emu = await useEmulator({ script: LOGGER_BIND_FILES.map((f) => answer(f, goodFix(root, f))) });
    const run = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--json"], { emu });
    // A flagged file was not fixed: the run says so with exit 1.
    expect(run.exitCode).toBe(1);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result).toMatchObject({ success: false, files_attempted: 4, files_fixed: 3, files_failed: 1 });
    expect(result.files.find((f: { path: string }) => f.path === LEGACY)).toEqual({
      path: LEGACY,
      rules: ["logger-bind"],
      status: "skipped",
      attempts: 0,
      patch_files: [],
      reason: REASON,
    });
    for (const file of LOGGER_BIND_FILES) expect(result.files.find((f) => f.path === file)?.status).toBe("fixed");
    expect(run.stderr).toContain(`warning: ${LEGACY}: set aside, not sent for logger-bind: ${REASON}`);
    expect(readFileSync(path.join(root, result.summary_markdown_file), "utf8")).toContain(
      `| \`${LEGACY}\` | logger-bind | ⏭️ set aside: ${REASON} | 0 |`,
    );
    expect(readFileSync(path.join(root, LEGACY)).equals(LATIN1)).toBe(true);
    expect(emu.record.generate).toHaveLength(3);
    expect(emu.record.generate.some((call) => call.prompt.includes(LEGACY))).toBe(false);
  });

  it("--dry-run shows the same: the file set aside with its reason, no request written for it", async () => {
    const root = projectWithLatin1();
    const emu = await useEmulator();
    const run = await gembatch(root, ["scan-and-fix", "--rules", "logger-bind", "--dry-run", "--json"], { emu });
    expect(run.exitCode).toBe(0);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result.files.find((f: { path: string }) => f.path === LEGACY)).toMatchObject({
      status: "skipped",
      reason: REASON,
    });
    expect(result.requests).toHaveLength(3);
    expect(result.requests!.some((r) => r.includes("legacy"))).toBe(false);
    expect(emu.record.generate).toEqual([]);
  });
});
