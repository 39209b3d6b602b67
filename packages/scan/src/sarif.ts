import { pathToFileURL } from "node:url";
import type { CompiledRule } from "./rules/compile.js";
import type { Finding } from "./scan-file.js";
import type { Skipped } from "./walk.js";

const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const FINGERPRINT_KEY = "gembatchLineHash/v1";
const SRCROOT = "%SRCROOT%";

interface SarifInput {
  root: string;
  rules: CompiledRule[];
  findings: Finding[];
  skipped: Skipped[];
  toolVersion: string;
}

/** A root-relative posix path as a URI reference: each segment percent-encoded. */
export function toUriReference(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

function ruleName(id: string): string {
  return id
    .split(/[-_.]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** A SARIF 2.1.0 log of one run: rules with their help text, results with regions, skipped files as notifications. */
export function toSarif(input: SarifInput): Record<string, unknown> {
  const ruleIndex = new Map(input.rules.map((rule, i) => [rule.id, i]));
  const location = (file: string) => ({ artifactLocation: { uri: toUriReference(file), uriBaseId: SRCROOT } });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gembatch",
            semanticVersion: input.toolVersion,
            rules: input.rules.map((rule) => ({
              id: rule.id,
              name: ruleName(rule.id),
              shortDescription: { text: rule.message },
              fullDescription: { text: rule.description ?? rule.message },
              ...(rule.fixHint ? { help: { text: rule.fixHint } } : {}),
              // Our severities are SARIF's level names.
              defaultConfiguration: { level: rule.severity },
              properties: { tags: rule.tags, pattern: rule.spec.pattern },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(input.root).href.replace(/\/?$/, "/")}` } },
        columnKind: "utf16CodeUnits",
        results: input.findings.map((finding) => ({
          ruleId: finding.rule,
          ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
          level: finding.severity,
          message: { text: finding.fix_hint ? `${finding.message}. ${finding.fix_hint}` : finding.message },
          locations: [
            {
              physicalLocation: {
                ...location(finding.file),
                region: {
                  startLine: finding.line,
                  startColumn: finding.column,
                  endLine: finding.end_line,
                  endColumn: finding.end_column,
                  snippet: { text: finding.match },
                },
              },
            },
          ],
          partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: input.skipped.map((skip) => ({
              level: "note",
              message: { text: `skipped (${skip.reason})${skip.detail ? `: ${skip.detail}` : ""}` },
              locations: [{ physicalLocation: location(skip.file) }],
            })),
          },
        ],
      },
    ],
  };
}
