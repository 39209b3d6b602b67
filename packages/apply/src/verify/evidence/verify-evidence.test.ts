import { describe, expect, it } from "vitest";
import { commandRun, pytestOutput, tapOutput } from "../../../test/helpers/runner-output.mjs";
import { compareRuns } from "../compare.js";
import { estimateTokens } from "./render.js";
import {
  renderVerifyEvidence,
  REPORT_EVIDENCE_TOKENS,
  RETRY_EVIDENCE_TOKENS,
  shortEvidence,
} from "./verify-evidence.js";

const ROOT = "/project";
const run = (output: string, exit: number) => commandRun(output, exit, { command: "node --test" });
const failingSet = (count: number, every: number) => new Set(Array.from({ length: count }, (_, k) => (k + 1) * every));

describe("renderVerifyEvidence on a 5,000-line output", () => {
  for (const [runner, make] of [
    ["node --test (TAP)", (failing: Set<number>) => tapOutput(1_200, failing, ROOT)],
    ["pytest -v", (failing: Set<number>) => pytestOutput(4_800, failing)],
  ] as const) {
    it(`${runner}: fits the budget and names every failing test, passing lines left out`, () => {
      const failing = failingSet(30, 37);
      const output = make(failing);
      expect(output.split("\n").length).toBeGreaterThanOrEqual(5_000);
      const failure = compareRuns(run(make(new Set()), 0), run(output, 1), { projectRoot: ROOT })!;
      const text = renderVerifyEvidence([failure], { file: "src/ledger.js", budgetTokens: RETRY_EVIDENCE_TOKENS });
      expect(estimateTokens(text)).toBeLessThanOrEqual(RETRY_EVIDENCE_TOKENS);
      for (const i of failing) expect(text).toMatch(new RegExp(`(case ${i} keeps|test_case_${i})\\b`));
      expect(text).not.toMatch(/^ok \d+ - |PASSED/m);
      expect(text).toMatch(/other output line\(s\) left out/);
      // The failure report's copy: the same failures, within its smaller budget.
      const short = renderVerifyEvidence([failure], {
        file: "src/ledger.js",
        budgetTokens: REPORT_EVIDENCE_TOKENS,
        maxLevel: 2,
      });
      expect(estimateTokens(short)).toBeLessThanOrEqual(REPORT_EVIDENCE_TOKENS);
      expect(short.length).toBeLessThan(text.length);
    });
  }

  it("with more failing tests than the budget can name, the ones left out are counted", () => {
    const failing = failingSet(400, 3);
    const failure = compareRuns(run(tapOutput(1_200, new Set(), ROOT), 0), run(tapOutput(1_200, failing, ROOT), 1), {
      projectRoot: ROOT,
    })!;
    const text = renderVerifyEvidence([failure], { file: "src/ledger.js", budgetTokens: 500 });
    expect(estimateTokens(text)).toBeLessThanOrEqual(500);
    const shown = (text.match(/^- case \d+/gm) ?? []).length;
    expect(shown).toBeGreaterThan(5);
    expect(text).toContain(`[… ${100 - shown} more failure(s) not shown]`);
    expect(text).toContain("[… 300 more failure(s) beyond these were not kept]");
    expect(text).toContain("New failure(s): 400");
  });

  it("the file being fixed comes first: its failures before others, its locations before the tests'", () => {
    const after = tapOutput(20, new Set([3, 9]), ROOT).replace(
      `${ROOT}/src/ledger.js:${40 + (3 % 9)}:11`,
      `${ROOT}/src/other.js:5:1`,
    );
    const failure = compareRuns(undefined, run(after, 1), { projectRoot: ROOT })!;
    const text = renderVerifyEvidence([failure], { file: "src/ledger.js", budgetTokens: RETRY_EVIDENCE_TOKENS });
    expect(text.indexOf("- case 9 keeps")).toBeLessThan(text.indexOf("- case 3 keeps"));
    expect(text).toMatch(
      /- case 9 keeps the ledger balanced\n {4}AssertionError: balance 9 is off by 9\n {4}at src\/ledger\.js:40:11 \(the file being fixed\)\n {4}at test\/ledger\.test\.js:9:20/,
    );
  });

  it("a one-line summary for the scan-and-fix table names the first failures, what is left and what was already failing", () => {
    const before = run(tapOutput(10, new Set([2]), ROOT), 1);
    const failure = compareRuns(before, run(tapOutput(10, new Set([2, 4, 5, 6, 7]), ROOT), 1), { projectRoot: ROOT })!;
    expect(failure.already_failing).toEqual(["case 2 keeps the ledger balanced"]);
    expect(shortEvidence([failure], "src/ledger.js")).toBe(
      "case 4 keeps the ledger balanced: AssertionError: balance 4 is off by 4 (src/ledger.js:44:11); case 5 keeps the ledger balanced: AssertionError: balance 5 is off by 5 (src/ledger.js:45:11); case 6 keeps the ledger balanced: AssertionError: balance 6 is off by 6 (src/ledger.js:46:11); 1 more; 1 already failing before the change, not counted",
    );
  });
});
