import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { tempTree } from "@gembatch/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { writeReport } from "./write-report.js";

const SECRET = "report-Secret/key+odd=chars_0042";

describe("writeReport", () => {
  beforeEach(() => void vi.stubEnv("GEMINI_API_KEY", SECRET));
  afterEach(() => void vi.unstubAllEnvs());

  it("writes the report whole, with no temp file left, and without the API key (the report becomes a prompt)", async () => {
    const file = path.join(tempTree(), "tmp", "issues", "fix_x.md");
    await writeReport(file, `# Issue Report: x\n\nThe log shows ${SECRET} and ${encodeURIComponent(SECRET)}.\n`);
    const text = readFileSync(file, "utf8");
    expect(text).toBe("# Issue Report: x\n\nThe log shows [REDACTED] and [REDACTED].\n");
    expect(readdirSync(path.dirname(file))).toEqual(["fix_x.md"]);
  });
});
