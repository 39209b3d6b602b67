import { describe, expect, it } from "vitest";
import { renderSend } from "./render.js";
import type { SendResult } from "./types.js";

describe("renderSend", () => {
  it("shows the control characters of a file name or an error instead of sending them to the terminal", () => {
    const name = "src/\u001b[2J\u001b]0;all sent\u0007.py";
    const result = {
      dry_run: false,
      output_dir: "tmp/gemini_batch_20260101_000000",
      files_processed: 1,
      files_succeeded: 0,
      total_cost: 0,
      average_cost_per_file: 0,
      cost_complete: true,
      usage: { cached_tokens: 0 },
      cache: null,
      stopped: null,
      error: null,
      not_sent: [],
      results: [
        {
          file_to_fix: name,
          success: false,
          truncated: false,
          finish_reason: null,
          error: "the API said \u001b[31mno\u001b[0m",
          cost: null,
          resumed: false,
          continuations: 0,
        },
      ],
    } as unknown as SendResult;
    const text = renderSend(result);
    expect(text).toContain("[1/1] src/\\x1b[2J\\x1b]0;all sent\\x07.py ✗ Failed: the API said \\x1b[31mno\\x1b[0m");
    // eslint-disable-next-line no-control-regex -- the test asserts the rendered text holds no control character
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});
