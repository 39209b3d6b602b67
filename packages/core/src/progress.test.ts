import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress, progressMode, type ProgressUpdate } from "./progress.js";

describe("createProgress", () => {
  it("tells a listener every step even when no bar is drawn", async () => {
    const updates: ProgressUpdate[] = [];
    const progress = await createProgress({
      enabled: false,
      total: 3,
      label: "send",
      listener: (u) => updates.push(u),
    });
    progress.update(0, { cost: "$0" });
    progress.tick(1, { cost: "$0.01" });
    progress.tick();
    progress.stop();
    expect(updates).toEqual([
      { progress: 0, total: 3, message: "send 0/3 (cost $0)" },
      { progress: 1, total: 3, message: "send 1/3 (cost $0.01)" },
      { progress: 2, total: 3, message: "send 2/3 (cost $0.01)" },
    ]);
  });

  it("reports nothing for empty work", async () => {
    const updates: ProgressUpdate[] = [];
    (await createProgress({ enabled: false, total: 0, label: "send", listener: (u) => updates.push(u) })).tick();
    expect(updates).toEqual([]);
  });

  it("draws a bar on a terminal, writes lines elsewhere, nothing with --quiet", () => {
    expect(progressMode({ interactive: true, quiet: false })).toBe("bar");
    expect(progressMode({ interactive: false, quiet: false })).toBe("lines");
    expect(progressMode({ interactive: true, quiet: true })).toBe("off");
  });

  it("lines mode writes one plain line each time the count moves, with the payload, and still tells a listener", async () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const updates: ProgressUpdate[] = [];
    const progress = await createProgress({
      mode: "lines",
      total: 2,
      label: "send",
      format: "{cost}",
      stream,
      listener: (u) => updates.push(u),
    });
    progress.update(0, { cost: "$0" });
    progress.tick(1, { cost: "$0.01" });
    progress.tick(1, { cost: "$0.02" });
    progress.stop();
    expect(text).toBe("send: 1/2 done | $0.01\nsend: 2/2 done | $0.02\n");
    expect(updates.map((u) => u.progress)).toEqual([0, 1, 2]);
  });
});
