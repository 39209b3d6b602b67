import { describe, expect, it } from "vitest";
import { risingProgress, type ProgressNotice } from "./progress.js";

describe("risingProgress", () => {
  it("sends only rising counts, and carries on across a second run that starts again at 0", () => {
    const sent: ProgressNotice[] = [];
    const listener = risingProgress((n) => sent.push(n));
    for (const [progress, total] of [
      [0, 2],
      [1, 2],
      [1, 2],
      [2, 2],
      [0, 3],
      [1, 3],
      [3, 3],
    ] as const)
      listener({ progress, total, message: `send ${progress}/${total}` });
    expect(sent.map((n) => [n.progress, n.total])).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
      [3, 5],
      [5, 5],
    ]);
    expect(sent.at(-1)?.message).toBe("send 3/3");
  });
});
