import { describe, expect, it } from "vitest";
import { compileRule } from "./rules/compile.js";
import { RuleSpecSchema } from "./rules/schema.js";
import { scanText } from "./scan-file.js";
import { suppressionOf } from "./suppress.js";

describe("gembatch-ignore comments", () => {
  it("parses a bare marker and a list of rule ids", () => {
    expect(suppressionOf("x = 1  # gembatch-ignore")).toBe("all");
    expect(suppressionOf("// gembatch-ignore: console-log, todo-comment")).toEqual(["console-log", "todo-comment"]);
    expect(suppressionOf("# gembatch-ignored")).toBeNull();
    expect(suppressionOf("plain line")).toBeNull();
  });

  it("silences findings on the same line or the line above, for the named rules only", () => {
    const rules = ["a", "b"].map((id) => compileRule(RuleSpecSchema.parse({ id, message: id, pattern: "x" })));
    const text = ["x  # gembatch-ignore", "# gembatch-ignore: b", "x", "x", "x  # gembatch-ignore: a"].join("\n");
    const scan = scanText("f.py", text, rules, { contextLines: 0 });
    expect(scan.findings.map((f) => `${f.rule}:${f.line}`)).toEqual(["a:3", "a:4", "b:4", "b:5"]);
    expect(scan.suppressed).toBe(4);
  });
});
