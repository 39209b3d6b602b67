import { readFileSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { unifiedDiff, writePatch } from "./patch.js";

const SECRET = "patch-Secret/key+odd=chars_0042";

describe("writePatch", () => {
  beforeEach(() => void vi.stubEnv("GEMINI_API_KEY", SECRET));
  afterEach(() => void vi.unstubAllEnvs());

  it("writes the patch (it goes into summaries and retry prompts) without the API key", async () => {
    const file = path.join(tempTree(), "patches", "1_config.attempt1.patch");
    await writePatch(file, unifiedDiff("config.py", `KEY = "${SECRET}"\n`, 'KEY = os.environ["KEY"]\n'));
    const text = readFileSync(file, "utf8");
    expect(text).toContain('-KEY = "[REDACTED]"');
    expect(text).not.toContain(SECRET);
  });
});
