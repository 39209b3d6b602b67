import { describe, expect, it } from "vitest";
import { compareRuns, failureSignature } from "./compare.js";
import { commandRun } from "../../test/helpers/runner-output.mjs";

const run = commandRun;

const UNITTEST_FAIL = (test: string, seconds: string, id: string) =>
  `..F.\n======\nFAIL: ${test} (tests.T.${test})\nTraceback (most recent call last):\n  File "/tmp/p/tests/t.py", line 31, in ${test}\nAssertionError: None != '${id}'\n------\nRan 4 tests in ${seconds}s\n\nFAILED (failures=1)\n`;

describe("compareRuns: only new failures count", () => {
  it("a pass is never a failure; a failure after a pass is, with the lines the passing run did not print", () => {
    expect(compareRuns(run("ok", 0), run("ok", 0))).toBeNull();
    const warning = "DeprecationWarning: logger.bind() is deprecated\n  response.get('error')\n";
    const failure = compareRuns(
      run(`${warning}OK\n`, 0),
      run(`${warning}${UNITTEST_FAIL("test_a", "0.01", "abc123def456")}`, 1),
    );
    expect(failure).toMatchObject({ reason: "exit code 1 (it passed before the change)" });
    expect(failure!.lines[0]).toBe("FAIL: test_a (tests.T.test_a)");
    expect(failure!.lines.join("\n")).not.toContain("DeprecationWarning");
  });

  it("a command that already failed the same way before does not count, whatever the timings and ids", () => {
    const before = run(UNITTEST_FAIL("test_a", "0.012", "0a1b2c3d4e5f"), 1);
    const after = run(UNITTEST_FAIL("test_a", "0.508", "9f8e7d6c5b4a"), 1);
    expect(compareRuns(before, after)).toBeNull();
  });

  it("a command that failed before but now fails in a new way counts, naming the new failure", () => {
    const before = run(UNITTEST_FAIL("test_a", "0.01", "0a1b2c3d4e5f"), 1);
    const after = run(
      `${UNITTEST_FAIL("test_a", "0.01", "0a1b2c3d4e5f")}ERROR: test_b (tests.T.test_b)\nNameError: name 'x' is not defined\n`,
      1,
    );
    const failure = compareRuns(before, after);
    expect(failure?.reason).toMatch(/fails in a new way/);
    expect(failure?.lines).toContain("ERROR: test_b (tests.T.test_b)");
  });

  it("a timeout is new unless it timed out before too; an interrupted run is not a verdict", () => {
    expect(compareRuns(run("", 0), run("", null, { timed_out: true }))?.reason).toBe("timed out");
    expect(compareRuns(run("", null, { timed_out: true }), run("", null, { timed_out: true }))).toBeNull();
    expect(compareRuns(run("", 0), run("", null, { interrupted: true }))).toBeNull();
  });

  it("a check that prints no recognisable failure line is compared on all its lines", () => {
    expect(failureSignature("bad thing\nworse\n")).toEqual(["bad thing", "worse"]);
    expect(compareRuns(run("bad thing\n", 2), run("bad thing\n", 2))).toBeNull();
    expect(compareRuns(run("bad thing\n", 2), run("another bad thing\n", 2))).not.toBeNull();
  });
});
