import { parseReport, renderReport } from "@gembatch/report";
import { describe, expect, it } from "vitest";
import { renderRetryReport } from "./retry-report.js";

const original = parseReport(
  renderReport({
    issue: "logger_bind",
    project: "demo",
    task: "Fix every `logger-bind` finding",
    filesToFix: ["src/a.py", "src/b.py"],
    details: "Rule `logger-bind` (warning): Deprecated logger.bind(...) call.",
    contextFiles: [
      { path: "src/a.py", content: "logger.bind(x=1).info('a')\n" },
      { path: "src/b.py", content: "b = 1\n" },
      { path: "src/util.py", content: "def util(): ...\n" },
    ],
  }),
);

describe("the retry report", () => {
  it("keeps the issue and its context, names only the failed file, and carries the failed change and the trimmed error", () => {
    const text = renderRetryReport({
      original,
      file: "src/a.py",
      current: "logger.bind(x=1).info('a')  # unchanged\n",
      attempt: 2,
      maxAttempts: 2,
      error: "verify failed: `python3 -m unittest` exit code 1: FAIL: test_a",
      details: "FAIL: test_a\nAssertionError: 1 != 2\n## All Context Files (For Reference)\n",
      patch: "--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-logger.bind(x=1).info('a')\n+logger.info('a')\n",
    });
    const parsed = parseReport(text);
    expect(parsed.filesToFix).toEqual(["src/a.py"]);
    expect(parsed.status).toBe("RETRY - attempt 2 of 2");
    expect(parsed.details.startsWith("Rule `logger-bind` (warning)")).toBe(true);
    expect(parsed.details).toContain(
      "Previous attempt failed: attempt 1 of 2 at fixing `src/a.py` was rolled back. verify failed:",
    );
    expect(parsed.details).toContain("AssertionError: 1 != 2");
    expect(parsed.details).toContain("+logger.info('a')");
    expect(parsed.contextFiles.map((c) => [c.path, c.content])).toEqual([
      ["src/a.py", "logger.bind(x=1).info('a')  # unchanged\n"],
      ["src/b.py", "b = 1\n"],
      ["src/util.py", "def util(): ...\n"],
    ]);
  });
});
