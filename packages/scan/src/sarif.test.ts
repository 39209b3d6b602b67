import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parseBuiltinRules } from "./rules/load.js";
import { compileRule } from "./rules/compile.js";
import { runScan } from "./run-scan.js";
import { FINGERPRINT_KEY, toSarif, toUriReference } from "./sarif.js";
import { tempTree } from "@gembatch/test-utils";

/** The parts of a SARIF log this test reads (the validator checks the rest against the schema). */
interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: Array<{ physicalLocation: unknown }>;
      partialFingerprints: Record<string, string>;
    }>;
    invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }>;
  }>;
}

/** The SARIF 2.1.0 JSON schema as Microsoft publishes it (draft-04), shipped in @microsoft/jest-sarif. */
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve("@microsoft/jest-sarif/package.json"));
  const schema = JSON.parse(readFileSync(path.join(dir, "lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as object;
  // The schema has one pattern (language tags) that is only valid without the regex u flag.
  // Both are CommonJS; their `default` property is the export under Node's and TypeScript's interop alike.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe("SARIF output", () => {
  it("is valid against the official SARIF 2.1.0 schema and carries rules, regions and skipped files", async () => {
    const dir = tempTree({
      "src/my file.py": "from unittest.mock import MagicMock\n\nasync def go():\n    time.sleep(1)\n",
      "src/bin.py": Buffer.from([0, 1, 2]),
    });
    const rules = parseBuiltinRules().map(compileRule);
    const run = await runScan({ root: dir, rules });
    const sarif = toSarif({
      root: dir,
      rules,
      findings: run.findings,
      skipped: run.skipped,
      toolVersion: "0.1.0",
    }) as unknown as SarifLog;
    const validate = sarifValidator();
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    const result = sarif.runs[0]!.results.find((r) => r.ruleId === "blocking-call-in-async")!;
    expect(result.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "src/my%20file.py", uriBaseId: "%SRCROOT%" },
      region: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 18, snippet: { text: "time.sleep(1)" } },
    });
    expect(sarif.runs[0]!.tool.driver.rules[result.ruleIndex]!.id).toBe("blocking-call-in-async");
    expect(result.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{16}$/);
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text).toBe(
      "skipped (binary): contains NUL bytes",
    );
    result.level = "fatal";
    expect(validate(sarif)).toBe(false);
  });

  it("a broken log does not validate (the check has teeth)", () => {
    const validate = sarifValidator();
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
  });

  it("percent-encodes path segments", () => {
    expect(toUriReference("a b/c#d.py")).toBe("a%20b/c%23d.py");
  });
});
