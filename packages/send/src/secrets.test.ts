import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createManualClock, type Clock } from "@gembatch/core";
import { createManualClock as createEmulatorClock, type Emulator } from "@gembatch/emulator";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runSend } from "./run-send.js";
import { fixedReply, makeProject, replyFor, useEmulator } from "../test/helpers/project.js";

/** The key in the environment, also written into a project file (and so into the report that quotes it). */
const SECRET = "send-Secret/key+odd=chars_0042";
const FILES = { "src/a.py": `KEY = "${SECRET}"\n`, "src/b.py": `URL = "https://h/?k=${encodeURIComponent(SECRET)}"\n` };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/** Where the key went: prompts the emulator saw, and the run's own files (the project's sources excepted). */
function leaks(emu: Emulator, root: string): string[] {
  const forms = [SECRET, encodeURIComponent(SECRET)];
  const found = emu.record.generate.flatMap((g, i) =>
    forms.some((f) => g.prompt.includes(f)) ? [`prompt ${i + 1} (${g.route})`] : [],
  );
  for (const file of walk(path.join(root, "tmp"))) {
    if (file.endsWith(".md") && file.includes(`${path.sep}issues${path.sep}`)) continue;
    if (forms.some((f) => readFileSync(file, "utf8").includes(f))) found.push(path.relative(root, file));
  }
  return found;
}

/** One clock for both sides, so batch polls move the emulator's jobs along without waiting. */
async function batchEmulator() {
  const emuClock = createEmulatorClock({ startTime: "2026-11-21T12:00:00Z" });
  const { emu, client } = await useEmulator({
    clock: emuClock,
    script: script as never,
    batch: { pendingMs: 1_000, runningMs: 1_000 },
  });
  const clock: Clock = { now: () => emuClock.now(), sleep: (ms) => Promise.resolve(emuClock.advance(ms)) };
  return { emu, client, clock };
}

describe("prompts leave for the API scrubbed of the key, whatever carried it there", () => {
  beforeEach(() => void vi.stubEnv("GEMINI_API_KEY", SECRET));
  afterEach(() => void vi.unstubAllEnvs());

  it("generateContent requests and the explicit cache's report", async () => {
    // ~6,000 tokens of report: enough for an explicit cache on gemini-2.5-flash.
    const project = makeProject(FILES, { padding: 24_000 });
    const { emu, client } = await useEmulator({ script });
    const result = await runSend(project.options(), { client, clock: createManualClock() });
    expect(result.files_succeeded).toBe(2);
    expect(emu.record.caches).toHaveLength(1);
    expect(emu.record.generate[0]!.prompt).toContain('KEY = "[REDACTED]"');
    expect(leaks(emu, project.root)).toEqual([]);
  });

  it("batch rows, inline and through an uploaded JSONL file", async () => {
    for (const batchInlineLimitBytes of [undefined, 1]) {
      const project = makeProject(FILES);
      const { emu, client, clock } = await batchEmulator();
      const result = await runSend(
        project.options({
          via: "batch",
          pollIntervalMs: 1_000,
          ...(batchInlineLimitBytes ? { batchInlineLimitBytes } : {}),
        }),
        { client, clock },
      );
      expect(result.files_succeeded).toBe(2);
      expect(emu.record.batches[0]!.src).toEqual(
        batchInlineLimitBytes ? { fileName: expect.any(String) as unknown } : { inlinedRequests: 2 },
      );
      expect(emu.record.generate.filter((g) => g.route === "batch")).toHaveLength(2);
      expect(leaks(emu, project.root)).toEqual([]);
    }
  });
});
