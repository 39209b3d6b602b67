import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { runCommand } from "@gembatch/test-utils";
import { startEmulator } from "@gembatch/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doctorCommand, type Check } from "./doctor.js";

let url = "";
let close: () => Promise<void>;
const root = mkdtempSync(path.join(tmpdir(), "gembatch-doctor-"));
mkdirSync(path.join(root, ".git"));

beforeAll(async () => {
  const emu = await startEmulator({ apiKey: "doctor-key" });
  url = emu.url;
  close = () => emu.close();
});
afterAll(async () => {
  await close();
  rmSync(root, { recursive: true, force: true });
});

/** `gembatch doctor --model <model> --skip-api-call --json` on the given day, in process with a manual clock. */
async function doctor(model: string, day: string): Promise<{ code: number; checks: Record<string, Check> }> {
  const { code, out } = await runCommand(doctorCommand, ["--model", model, "--skip-api-call", "--json"], {
    cwd: root,
    env: { GEMINI_API_KEY: "doctor-key", GEMBATCH_BASE_URL: url },
    clock: createManualClock(Date.parse(`${day}T12:00:00Z`)),
  });
  const result = JSON.parse(out) as { checks: Check[] };
  return { code, checks: Object.fromEntries(result.checks.map((c) => [c.name, c])) };
}

describe("doctor on models, prices and retirement", () => {
  it("warns two days before gemini-2.5-pro's shutdown, naming the replacement, and fails after it", async () => {
    const before = await doctor("gemini-2.5-pro", "2026-11-29");
    expect(before.code).toBe(0);
    expect(before.checks.retirement).toEqual({
      name: "retirement",
      status: "warn",
      detail:
        "gemini-2.5-pro shuts down on 2026-12-01 (in 2 days); then Google routes its requests to gemini-3.8-flash, billed at that model's rates",
    });
    expect(before.checks.pricing!.detail).toMatch(
      /^gemini-2\.5-pro: \$1\.25 in \/ \$10 out per 1M tokens \(https:\/\/ai\.google\.dev\/gemini-api\/docs\/pricing, read 2026-08-04\)$/,
    );
    const after = await doctor("gemini-2.5-pro", "2026-12-01");
    expect(after.code).toBe(2);
    expect(after.checks.retirement).toMatchObject({ status: "fail" });
  });

  it("knows gemini-3.7-flash's price through Google's routing to 3.8 Flash, with the source", async () => {
    const { checks } = await doctor("gemini-3.7-flash", "2026-11-29");
    expect(checks.alias).toMatchObject({
      status: "ok",
      detail: expect.stringMatching(
        /^gemini-3\.7-flash → gemini-3\.8-flash \(https:\/\/ai\.google\.dev\/gemini-api\/docs\/changelog \(2026-10-08\), read/,
      ) as unknown,
    });
    expect(checks.pricing).toMatchObject({
      status: "ok",
      detail: expect.stringMatching(/^gemini-3\.7-flash \(→ gemini-3\.8-flash\): \$0\.75 in \/ \$3\.75 out/) as unknown,
    });
    expect(checks.retirement).toBeUndefined();
  });

  it("says so when a price or an alias target is not confirmed", async () => {
    expect((await doctor("gemini-4-argon", "2026-11-29")).checks.pricing).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("unconfirmed: secondary sources only") as unknown,
    });
    expect((await doctor("gemini-flash-latest", "2026-11-29")).checks.alias).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("unconfirmed: no stored source says what the alias points to today") as unknown,
    });
  });
});
