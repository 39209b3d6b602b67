import { describe, expect, it } from "vitest";
import { checkFindingGone, createRuleChecker, ruleFromDetails } from "./rescan.js";

const ORIGINAL = "from log import logger\n\ndef f(x):\n    logger.bind(x=x).info('hi')\n";

describe("re-scanning a fixed file with the rule that flagged it", () => {
  const checker = createRuleChecker({ root: "/nonexistent", scanConfig: undefined, rules: ["logger-bind"] });

  it("says the finding is gone when the rule no longer matches", () => {
    const fixed = ORIGINAL.replace("logger.bind(x=x).info('hi')", "logger.info('hi', x=x)");
    const check = checkFindingGone(checker, { file: "src/a.py", original: ORIGINAL, fixed });
    expect(check).toMatchObject({ gone: true, before: 1, remaining: [] });
  });

  it("says it is not gone when it moved, and when a gembatch-ignore comment hides it", () => {
    const moved = `# moved\n${ORIGINAL}`;
    expect(checkFindingGone(checker, { file: "src/a.py", original: ORIGINAL, fixed: moved })).toMatchObject({
      gone: false,
    });
    const hidden = ORIGINAL.replace("info('hi')", "info('hi')  # gembatch-ignore");
    expect(checkFindingGone(checker, { file: "src/a.py", original: ORIGINAL, fixed: hidden })).toMatchObject({
      gone: false,
      newlySuppressed: 1,
    });
  });

  it("has nothing to say about a file the rule never flagged or does not apply to", () => {
    expect(checkFindingGone(checker, { file: "src/b.py", original: "x = 1\n", fixed: "x = 2\n" }).gone).toBeNull();
    expect(checkFindingGone(checker, { file: "README.md", original: ORIGINAL, fixed: ORIGINAL }).gone).toBeNull();
  });

  it("loads custom rules from the config section, and refuses an unknown id", () => {
    const custom = createRuleChecker({
      root: "/nonexistent",
      scanConfig: { rules: [{ id: "no-eval", message: "eval", pattern: "\\beval\\(" }] },
      rules: ["no-eval"],
    });
    expect(custom.check("a.js", "eval(x)\n").findings).toHaveLength(1);
    expect(() => createRuleChecker({ root: "/nonexistent", scanConfig: undefined, rules: ["no-such-rule"] })).toThrow(
      /unknown rule id "no-such-rule"/,
    );
  });

  it("reads the rule id from a report scan --report wrote", () => {
    expect(ruleFromDetails("Rule `logger-bind` (warning): Deprecated logger.bind(...) call.\n\nmore")).toBe(
      "logger-bind",
    );
    expect(ruleFromDetails("Fix the logging.")).toBeUndefined();
  });
});
