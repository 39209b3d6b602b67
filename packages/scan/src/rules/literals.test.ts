import { describe, expect, it } from "vitest";
import { findMatches } from "../match.js";
import { BUILTIN_RULES } from "./builtin.js";
import { compileRule } from "./compile.js";
import { requiredLiteralSets, requiredLiterals } from "./literals.js";
import { parseBuiltinRules } from "./load.js";

describe("required literals", () => {
  it("finds the strings every match must contain", () => {
    expect(requiredLiterals("\\blogger\\.bind\\(")).toEqual(["logger.bind("]);
    expect(requiredLiterals("\\b\\w*Mock\\w*|\\bmock_\\w+")).toEqual(["Mock", "mock_"]);
    expect(requiredLiterals("^[ \\t]*except[ \\t]*:")).toEqual(["except"]);
    expect(requiredLiterals("(?:TODO|FIXME)\\b")).toEqual(["TODO", "FIXME"]);
    expect(requiredLiterals("ab{2}c")).toEqual(["abbc"]);
    expect(requiredLiteralSets("async def\\w+(?:time\\.sleep|os\\.system)\\(")).toEqual([
      ["async def"],
      ["time.sleep", "os.system"],
    ]);
  });

  it("gives up (no prefilter) rather than guess", () => {
    expect(requiredLiterals("\\w+")).toBeNull();
    expect(requiredLiterals("a|\\d+")).toBeNull();
    expect(requiredLiterals("(?:foo)?ab?")).toBeNull();
    expect(requiredLiterals("(?:foo)?bar?")).toEqual(["ba"]);
    expect(requiredLiterals("\\p{L}")).toBeNull();
    expect(requiredLiterals("x")).toBeNull();
  });

  it("never changes what a built-in rule finds", () => {
    const corpus =
      BUILTIN_RULES.map((r) => `${r.pattern}\n${r.fix_hint}\n${r.message}`).join("\n") +
      "\nasync def f():\n    time.sleep(1)\n    x = Mock()\n";
    for (const spec of parseBuiltinRules()) {
      const rule = compileRule(spec);
      const plain = { ...rule, literals: null, requirements: [] };
      expect(findMatches(rule, corpus), spec.id).toEqual(findMatches(plain, corpus));
    }
  });
});
