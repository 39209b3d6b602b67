import { describe, expect, it } from "vitest";
import { exampleProject, goodFix, truncatedAnswer } from "../test/helpers/example.js";
import { applyOptions, emulatorDeps, useEmulator } from "../test/helpers/harness.js";
import { sendAndExtract } from "../test/helpers/run.js";
import { runApply } from "./run-apply.js";

const SERVICE = "orders/service.py";

describe("the retry after a reply cut off at MAX_TOKENS", () => {
  it("asks with twice the reply limit the first request hit, instead of paying again for the same cut", async () => {
    const root = exampleProject();
    const emu = await useEmulator({ script: [truncatedAnswer(SERVICE, goodFix(root, SERVICE))] });
    const { runDir } = await sendAndExtract(root, emu, [SERVICE]);
    const result = await runApply(applyOptions(root, { runDir }), emulatorDeps(emu));
    expect(result.files[0]).toMatchObject({ status: "failed", attempts: 2 });
    expect(emu.record.generate.map((g) => g.settings?.maxOutputTokens)).toEqual([8192, 16_384]);
  });

  it("keeps the limit for a retry after any other failure", async () => {
    const root = exampleProject();
    const emu = await useEmulator({
      script: [{ match: { text: `FILE TO FIX: ${SERVICE}` }, reply: { text: "no block here" } }],
    });
    const { runDir } = await sendAndExtract(root, emu, [SERVICE]);
    await runApply(applyOptions(root, { runDir }), emulatorDeps(emu));
    expect(emu.record.generate.map((g) => g.settings?.maxOutputTokens)).toEqual([8192, 8192]);
  });
});
