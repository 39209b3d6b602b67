import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "@gembatch/core";
import { tempTree } from "@gembatch/test-utils";
import { loadRules, parseScanConfig, readRulesFile } from "./load.js";

function errorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected a CliError");
}

const custom = {
  id: "no-eval",
  message: "eval is dangerous",
  pattern: "\\beval\\(",
  extensions: ["py"],
  fix_hint: "use ast.literal_eval",
};

describe("rule configuration", () => {
  it("names the file, the key and the rule for an invalid regex", () => {
    const error = errorOf(() =>
      parseScanConfig({ rules: [custom, { ...custom, id: "broken", pattern: "foo(" }] }, "gembatch.config.json"),
    );
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(
      /^gembatch\.config\.json: scan\.rules\[1\]\.pattern: rule "broken": invalid regular expression: .*Unterminated group/,
    );
  });

  it("rejects unknown keys, bad severities and patterns that match the empty string", () => {
    expect(errorOf(() => parseScanConfig({ rulez: [] })).message).toContain("scan.rulez: unknown key");
    expect(errorOf(() => parseScanConfig({ rules: [{ ...custom, severity: "fatal" }] })).message).toContain(
      "scan.rules[0].severity",
    );
    expect(errorOf(() => parseScanConfig({ rules: [{ ...custom, pattern: "x*" }] })).message).toContain(
      'rule "no-eval": matches the empty string',
    );
    expect(errorOf(() => parseScanConfig({ rules: [{ ...custom, not_nearby: { pattern: "[" } }] })).message).toContain(
      "scan.rules[0].not_nearby.pattern",
    );
  });

  it("adds config rules and rules files to the built-ins; a repeated id replaces the earlier rule", () => {
    const root = tempTree({
      "rules.json": JSON.stringify({ rules: [{ ...custom, id: "logger-bind", message: "team rule" }] }),
    });
    const loaded = loadRules({ root, config: parseScanConfig({ rules: [custom], rules_file: "rules.json" }) });
    const byId = new Map(loaded.map((l) => [l.rule.id, l]));
    expect(byId.get("no-eval")?.source).toBe("config");
    expect(byId.get("logger-bind")).toMatchObject({ source: "rules.json", rule: { message: "team rule" } });
    expect(byId.get("bare-except")?.source).toBe("builtin");
  });

  it("selects and disables rules, and refuses unknown ids", () => {
    const root = tempTree();
    expect(
      loadRules({ root, config: { builtin: false, rules: parseScanConfig({ rules: [custom] }).rules } }).map(
        (l) => l.rule.id,
      ),
    ).toEqual(["no-eval"]);
    expect(loadRules({ root, config: {}, only: ["bare-except", "logger-bind"] }).map((l) => l.rule.id)).toEqual([
      "logger-bind",
      "bare-except",
    ]);
    expect(loadRules({ root, config: { disable: ["todo-comment"] } }).some((l) => l.rule.id === "todo-comment")).toBe(
      false,
    );
    expect(errorOf(() => loadRules({ root, config: {}, only: ["nope"] })).message).toBe(
      'rules: unknown rule id "nope"',
    );
  });

  it("reports rules-file problems with the file's name", () => {
    const root = tempTree();
    const file = path.join(root, "bad.json");
    writeFileSync(file, JSON.stringify([{ ...custom, pattern: "(?<" }]));
    expect(errorOf(() => readRulesFile(file, "bad.json")).message).toMatch(
      /^bad\.json: \[0\]\.pattern: rule "no-eval": invalid regular expression/,
    );
    writeFileSync(file, "{not json");
    expect(errorOf(() => readRulesFile(file, "bad.json")).message).toMatch(/^bad\.json: not valid JSON/);
    expect(errorOf(() => readRulesFile(path.join(root, "missing.json"), "missing.json")).code).toBe("FILE_NOT_FOUND");
  });

  it("reads a project's rules file through the guard: a committed link out of the project is refused, one inside is fine", () => {
    const outside = tempTree({
      "rules.json": JSON.stringify([{ ...custom, message: "aws_secret_access_key=FAKESECRET123" }]),
    });
    const root = tempTree({ "real-rules.json": JSON.stringify([custom]) });
    symlinkSync(path.join(outside, "rules.json"), path.join(root, "rules.json"));
    symlinkSync("real-rules.json", path.join(root, "alias.json"));
    const refused = errorOf(() => loadRules({ root, config: parseScanConfig({ rules_file: "rules.json" }) }));
    expect(refused).toMatchObject({
      code: "PATH_OUTSIDE_PROJECT",
      message: "rules_file: a symlink that leads outside the project root: rules.json",
    });
    expect(loadRules({ root, config: parseScanConfig({ rules_file: "alias.json" }) }).map((r) => r.rule.id)).toContain(
      "no-eval",
    );
    expect(errorOf(() => loadRules({ root, config: parseScanConfig({ rules_file: "missing.json" }) })).message).toBe(
      "missing.json: rules file not found",
    );
  });
});
