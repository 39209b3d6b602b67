import { loadRules, parseScanConfig, scanText, type CompiledRule, type Finding } from "@gembatch/scan";

interface RuleCheck {
  findings: Finding[];
  /** Matches silenced by a gembatch-ignore comment. */
  suppressed: number;
}

export interface RuleChecker {
  readonly rules: readonly string[];
  /** Each rule's fix hint, for the failure report. */
  readonly fixHints: Readonly<Record<string, string>>;
  check(file: string, text: string): RuleCheck;
}

/**
 * The rules that flagged the files, compiled the way `gembatch scan` compiles them (built-ins, the
 * config's rules and rules file), to re-scan a file after a fix. Unknown ids throw exit 2.
 */
export function createRuleChecker(options: {
  root: string;
  scanConfig: unknown;
  rules: readonly string[];
  configLabel?: string;
}): RuleChecker {
  const config = parseScanConfig(options.scanConfig, options.configLabel);
  const compiled: CompiledRule[] = loadRules({ root: options.root, config, only: [...options.rules] }).map(
    (loaded) => loaded.rule,
  );
  return {
    rules: compiled.map((rule) => rule.id),
    fixHints: Object.fromEntries(compiled.filter((rule) => rule.fixHint).map((rule) => [rule.id, rule.fixHint!])),
    check(file, text) {
      const applicable = compiled.filter((rule) => rule.appliesTo(file));
      if (applicable.length === 0) return { findings: [], suppressed: 0 };
      const scan = scanText(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, applicable, {
        contextLines: 0,
      });
      return { findings: scan.findings, suppressed: scan.suppressed };
    },
  };
}

export interface FindingCheck {
  /** null when the original had no finding of these rules (nothing to remove). */
  gone: boolean | null;
  remaining: Finding[];
  /** A gembatch-ignore comment added by the fix hides a finding; that is not a fix. */
  newlySuppressed: number;
  before: number;
}

/** Compare the rules' findings in the original and in the fixed text: the finding must be gone, not hidden. */
export function checkFindingGone(
  checker: RuleChecker,
  change: { file: string; original: string; fixed: string },
): FindingCheck {
  const { file, original, fixed } = change;
  const before = checker.check(file, original);
  const after = checker.check(file, fixed);
  const newlySuppressed = Math.max(0, after.suppressed - before.suppressed);
  if (before.findings.length === 0) return { gone: null, remaining: after.findings, newlySuppressed, before: 0 };
  return {
    gone: after.findings.length === 0 && newlySuppressed === 0,
    remaining: after.findings,
    newlySuppressed,
    before: before.findings.length,
  };
}

/** The rule id a report written by `scan --report` names in its details (`Rule \`logger-bind\` (warning): …`). */
export function ruleFromDetails(details: string): string | undefined {
  return /^Rule `([A-Za-z0-9_.-]+)`/m.exec(details)?.[1];
}
