import { gembatch, projectDir } from "@gembatch/test-utils";
import { describe, expect, it } from "vitest";

// Key-shaped values only: none is registered or in the environment, so only the pattern scrubbing of the
// CLI layer (results, warnings and errors on their way to stdout and stderr) can remove them. The scan
// itself quotes the project's text as it is: that is what a finding is.
const KEY_IN_URL = "AIzaSyA1234567890abcdefghijklmnopqrstuv";
const KEY_IN_CODE = "AIzaSyB1234567890abcdefghijklmnopqrstuv";
const KEY_IN_ARG = "AIzaSyD1234567890abcdefghijklmnopqrstuv";

const project = () =>
  projectDir({
    "src/app.py": `URL = "https://api.example/v1?key=${KEY_IN_URL}"\napi_key = "${KEY_IN_CODE}"\nprint(URL)\n`,
  });

const leaks = (text: string) => [KEY_IN_URL, KEY_IN_CODE, KEY_IN_ARG].filter((key) => text.includes(key));

describe("the CLI layer scrubs keys from everything it prints", () => {
  it("a JSON result and a text result on stdout quote the findings with the keys replaced", async () => {
    const cwd = project();
    const json = await gembatch(cwd, ["scan", "src", "--json"]);
    expect(json.exitCode).toBe(0);
    expect((JSON.parse(json.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(json.stdout).toContain("[REDACTED]");
    expect(leaks(json.stdout + json.stderr)).toEqual([]);
    const text = await gembatch(cwd, ["scan", "src"]);
    expect(text.stdout).toContain("hardcoded-secret");
    expect(text.stdout).toContain("[REDACTED]");
    expect(leaks(text.stdout + text.stderr)).toEqual([]);
  });

  it("a warning and an error on stderr (and the JSON error on stdout) have `?key=…` scrubbed", async () => {
    const cwd = project();
    const warned = await gembatch(cwd, [
      "report",
      "src/app.py",
      "--issue",
      "x",
      "--context-globs",
      `nomatch?key=${KEY_IN_ARG}`,
    ]);
    expect(warned.stderr).toContain("warning: context_globs: matched no file: nomatch?key=[REDACTED]");
    expect(leaks(warned.stdout + warned.stderr)).toEqual([]);
    const missing = await gembatch(cwd, ["scan", `missing?key=${KEY_IN_ARG}`]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("error: paths: not found: missing?key=[REDACTED]");
    expect(leaks(missing.stdout + missing.stderr)).toEqual([]);
    const failed = await gembatch(cwd, ["scan", "src", "--rules", `bad?key=${KEY_IN_ARG}`]);
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toContain('unknown rule id "bad?key=[REDACTED]"');
    expect(leaks(failed.stdout + failed.stderr)).toEqual([]);
    const failedJson = await gembatch(cwd, ["scan", "src", "--json", "--rules", `bad?key=${KEY_IN_ARG}`]);
    expect((JSON.parse(failedJson.stdout) as { error: { message: string } }).error.message).toContain(
      "bad?key=[REDACTED]",
    );
    expect(leaks(failedJson.stdout + failedJson.stderr)).toEqual([]);
  });
});
