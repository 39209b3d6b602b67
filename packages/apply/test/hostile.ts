import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Emulator } from "@gembatch/emulator";
import { copyExample, tempTree } from "@gembatch/test-utils";
import { expect } from "vitest";
import { gembatch, parse } from "./bin.js";
import type { ExtractResult } from "@gembatch/extract";
import type { ScanResult } from "@gembatch/scan";
import type { SendResult } from "@gembatch/send";

export const PAYMENTS = "orders/payments.py";
export const NOTIFICATIONS = "orders/notifications.py";
export const VICTIM = "a file outside the project: never to be written\n";
export const ESC = "\u001b";

/** The example project in `<top>/project`, with a victim file and an empty directory beside it, outside the root. */
export function hostileProject(): { top: string; root: string; outside: string; victim: string } {
  const top = tempTree({ "victim.txt": VICTIM, "outside/.keep": "" });
  const root = path.join(top, "project");
  copyExample(root);
  return { top, root, outside: path.join(top, "outside"), victim: path.join(top, "victim.txt") };
}

/** scan --report, send and extract through the bin: the send run and the extraction of `files`. */
export async function sendAndExtract(
  root: string,
  emu: Emulator,
  files: string[],
): Promise<{ runDir: string; extractedDir: string; extracted: ExtractResult }> {
  const scan = parse<ScanResult>(
    (await gembatch(root, ["scan", ...files, "--rules", "logger-bind", "--report", "--json"], { emu })).stdout,
  );
  const sent = parse<SendResult>(
    (await gembatch(root, ["send", "--issue-report-file", scan.reports![0]!.report_file!, "--json"], { emu })).stdout,
  );
  const extract = await gembatch(root, ["extract", sent.output_dir, "--json"], { emu });
  const extracted = parse<ExtractResult>(extract.stdout);
  return { runDir: sent.output_dir, extractedDir: extracted.output_dir!, extracted };
}

export function readJson<T = unknown>(root: string, file: string): T {
  return JSON.parse(readFileSync(path.join(root, file), "utf8")) as T;
}

export function writeJson(root: string, file: string, value: unknown): void {
  writeFileSync(path.join(root, file), `${JSON.stringify(value, null, 2)}\n`);
}

/** What a reviewer's terminal receives holds no raw control character but the line breaks (and tabs). */
export function expectNoRawControls(output: string): void {
  expect(output).not.toContain(ESC);
  // eslint-disable-next-line no-control-regex -- the test asserts no control character reaches the terminal
  expect(output).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
}
