import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyBaseline, readBaselineFile, withGitSnapshot } from "./baseline.js";
import { parseBuiltinRules } from "./rules/load.js";
import { compileRule } from "./rules/compile.js";
import { runScan } from "./run-scan.js";
import { toSarif } from "./sarif.js";
import { commitAll, gitInit, tempTree, writeTree } from "@gembatch/test-utils";

const rules = parseBuiltinRules().map(compileRule);

describe("baseline", () => {
  it("keeps known findings known when lines move, and reports only new ones", async () => {
    const dir = tempTree({ "a.py": "try:\n    x()\nexcept:\n    pass\n" });
    const before = await runScan({ root: dir, rules });
    writeTree(dir, { "a.py": "import os\n\n\ntry:\n    x()\nexcept:\n    pass\ntry:\n    y()\nexcept:\n    pass\n" });
    const after = await runScan({ root: dir, rules });
    const { fresh, known } = applyBaseline(after.findings, before.findings);
    expect(known).toBe(1);
    expect(fresh.map((f) => f.line)).toEqual([10]);
  });

  it("reads a saved JSON result, a bare findings array and our SARIF", async () => {
    const dir = tempTree({ "a.py": "breakpoint()\n" });
    const run = await runScan({ root: dir, rules });
    const file = path.join(dir, "base.json");
    writeFileSync(file, JSON.stringify({ success: true, findings: run.findings }));
    expect(readBaselineFile(file)).toEqual([
      { rule: "debugger-statement", file: "a.py", fingerprint: run.findings[0]!.fingerprint },
    ]);
    writeFileSync(
      file,
      JSON.stringify([{ rule: "debugger-statement", file: "a.py", context: { line: "breakpoint()" } }]),
    );
    expect(readBaselineFile(file)[0]!.fingerprint).toBe(run.findings[0]!.fingerprint);
    writeFileSync(
      file,
      JSON.stringify(toSarif({ root: dir, rules, findings: run.findings, skipped: [], toolVersion: "0" })),
    );
    expect(readBaselineFile(file)).toEqual([
      { rule: "debugger-statement", file: "a.py", fingerprint: run.findings[0]!.fingerprint },
    ]);
    writeFileSync(file, "{}");
    expect(() => readBaselineFile(file, "base.json")).toThrow('baseline: base.json has no "findings" array');
  });

  it("scans the tree of a git ref, also when the project is a subdirectory of the repository", async () => {
    const repo = tempTree({
      "svc/app.py": "try:\n    run()\nexcept:\n    pass\n",
      "svc/ignored.py": "breakpoint()\n",
      "svc/.gitignore": "ignored.py\n",
      "other/x.py": "breakpoint()\n",
    });
    gitInit(repo);
    commitAll(repo);
    writeTree(repo, { "svc/app.py": "try:\n    run()\nexcept:\n    pass\nbreakpoint()\n", "svc/new.py": "except:\n" });
    const root = path.join(repo, "svc");
    const snapshot = await withGitSnapshot({ root, ref: "HEAD" }, (tree) => runScan({ root: tree, rules }));
    expect(snapshot.findings.map((f) => `${f.file}:${f.rule}`)).toEqual(["app.py:bare-except"]);
    const now = await runScan({ root, rules });
    const { fresh } = applyBaseline(now.findings, snapshot.findings);
    expect(fresh.map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual([
      "app.py:5:debugger-statement",
      "new.py:1:bare-except",
    ]);
    await expect(withGitSnapshot({ root, ref: "no-such-branch" }, () => Promise.resolve(0))).rejects.toThrow(
      /neither a findings file nor a git ref/,
    );
  });
});
