import { describe, expect, it } from "vitest";
import { createProgress, type ProgressUpdate } from "./progress.js";

describe("createProgress", () => {
  it("tells a listener every step even when no bar is drawn", async () => {
    const updates: ProgressUpdate[] = [];
    const progress = await createProgress({ enabled: false, total: 3, label: "send", listener: (u) => updates.push(u) });
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
});
