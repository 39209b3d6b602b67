import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress, progressMode } from "./progress.js";

describe("progress", () => {
  it("bar on a terminal, lines elsewhere, nothing with --quiet", () => {
    expect(progressMode({ interactive: true, quiet: false })).toBe("bar");
    expect(progressMode({ interactive: false, quiet: false })).toBe("lines");
    expect(progressMode({ interactive: true, quiet: true })).toBe("off");
  });

  it("lines mode writes one plain line each time the count moves, with the payload", async () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const progress = await createProgress({ mode: "lines", total: 2, label: "send", format: "{cost}", stream });
    progress.update(0, { cost: "$0" });
    progress.tick(1, { cost: "$0.01" });
    progress.tick(1, { cost: "$0.02" });
    progress.stop();
    expect(text).toBe("send: 1/2 done | $0.01\nsend: 2/2 done | $0.02\n");
  });
});
