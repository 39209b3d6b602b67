import { describe, expect, it } from "vitest";
import { cleanOutput, extractEvidence, failureKey } from "./extract.js";
import { isInFile, locationsIn } from "./locations.js";

describe("extractEvidence", () => {
  it("TAP: a parent whose subtests failed and a TODO or SKIP test are not failures of their own", () => {
    const output = [
      "# Subtest: ledger",
      "    not ok 1 - posts twice",
      "      ---",
      "      error: 'posted 2 times'",
      "      name: 'AssertionError'",
      "      ...",
      "    not ok 2 - later # TODO not written yet",
      "not ok 1 - ledger",
      "  ---",
      "  failureType: 'subtestsFailed'",
      "  error: '1 subtest failed'",
      "  ...",
    ].join("\n");
    const { failures } = extractEvidence(output);
    expect(failures.map((f) => [f.name, f.message[0]])).toEqual([["posts twice", "AssertionError: posted 2 times"]]);
  });

  it("the same failure in two runs has the same key, whatever its timing; a different test does not", () => {
    const a = extractEvidence("✖ adds up (1.25ms)\n  AssertionError: 1 !== 2\n").failures[0]!;
    const b = extractEvidence("✖ adds up (20.5ms)\n  AssertionError: 1 !== 2\n").failures[0]!;
    expect(failureKey(a)).toBe(failureKey(b));
    expect(failureKey(a)).not.toBe(failureKey({ kind: "node-spec", name: "adds down" }));
  });

  it("an output no runner wrote gives no failures (the caller falls back to failure lines), and `path:line` diagnostics only without a runner", () => {
    expect(extractEvidence("something broke\nbad thing happened\n").failures).toEqual([]);
    expect(
      extractEvidence("src/a.c:3:5: error: expected ';'\nsrc/a.c:9:1: warning: unused\n").failures.map((f) => f.name),
    ).toEqual(["src/a.c: error: expected ';'"]);
  });

  it("absolute paths under the project are shown relative to it; runtime and package frames are dropped", () => {
    const { failures } = extractEvidence(
      [
        "✖ works (1ms)",
        "  Error: boom",
        "      at f (file:///p/src/a.js:3:9)",
        "      at g (/p/node_modules/lib/x.js:1:1)",
        "      at node:internal/process:1:1",
        "      at h (/elsewhere/b.js:2:2)",
      ].join("\n"),
      { projectRoot: "/p" },
    );
    expect(failures[0]!.locations).toEqual([{ file: "src/a.js", line: 3, column: 9 }]);
  });

  it("a Java frame's package path finds the file in its source tree", () => {
    const [location] = locationsIn("\tat shop.Price.label(Price.java:11)");
    expect(location).toEqual({ file: "shop/Price.java", line: 11, column: null });
    expect(isInFile(location!, "src/main/java/shop/Price.java")).toBe(true);
    expect(locationsIn("\tat java.base/java.lang.String.substring(String.java:2709)")).toEqual([]);
  });

  it("colour codes and redrawn progress lines are cleaned before anything is read", () => {
    expect(cleanOutput("\u001b[31m✖ red\u001b[39m\nloading 10%\rloading 100%\r\n")).toBe("✖ red\nloading 100%\n");
  });
});
