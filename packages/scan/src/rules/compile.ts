import picomatch from "picomatch";
import { literalRegex, requiredLiteralSets, requiredLiterals } from "./literals.js";
import type { RuleSpec, Severity } from "./schema.js";

export interface CompiledRule {
  id: string;
  message: string;
  severity: Severity;
  fixHint: string | undefined;
  description: string | undefined;
  tags: string[];
  multiline: boolean;
  /** Whole-text regex (global). In line mode it only finds candidate lines, which `lineRegex` then matches exactly. */
  regex: RegExp;
  /** Line mode only: the rule's regex applied to one line without its terminator, as grep and rg do. */
  lineRegex: RegExp | undefined;
  /** Lookarounds can see past a line end, so such rules are matched line by line without the candidate pass. */
  perLineOnly: boolean;
  notNearby: { regex: RegExp; lines: number } | undefined;
  /** Matches the rule's required literals (one of which is in every match); null when it has none. */
  literals: RegExp | null;
  /** Further literal sets every match needs at once: a file that misses one is not searched. */
  requirements: RegExp[];
  appliesTo(file: string): boolean;
  spec: RuleSpec;
}

function normalizeExtension(extension: string): string {
  const trimmed = extension.trim().toLowerCase();
  return trimmed.startsWith(".") ? trimmed : `.${trimmed}`;
}

function fileFilter(spec: RuleSpec): (file: string) => boolean {
  const extensions = (spec.extensions ?? []).map(normalizeExtension);
  const include = spec.include?.length ? picomatch(spec.include, { dot: true }) : undefined;
  const exclude = spec.exclude?.length ? picomatch(spec.exclude, { dot: true }) : undefined;
  return (file) => {
    if (extensions.length > 0) {
      const lower = file.toLowerCase();
      if (!extensions.some((ext) => lower.endsWith(ext))) return false;
    }
    if (include && !include(file)) return false;
    if (exclude && exclude(file)) return false;
    return true;
  };
}

const LOOKAROUND = /\(\?<?[=!]/;

export function compileRule(spec: RuleSpec): CompiledRule {
  const i = spec.ignore_case ? "i" : "";
  const perLineOnly = !spec.multiline && LOOKAROUND.test(spec.pattern);
  // In line mode `.` gets the dotAll flag: on a single line it then matches anything but the
  // newline, including a CR, which is what grep and rg do. The whole-text pass also gets `m` so
  // that it finds at least every line the exact per-line pass would.
  const regex = spec.multiline ? new RegExp(spec.pattern, `gm${i}${spec.dotall ? "s" : ""}`) : new RegExp(spec.pattern, `gms${i}`);
  const literals = requiredLiterals(spec.pattern);
  const lineRegex = spec.multiline ? undefined : new RegExp(spec.pattern, `gs${i}`);
  return {
    id: spec.id,
    message: spec.message,
    severity: spec.severity,
    fixHint: spec.fix_hint,
    description: spec.description,
    tags: spec.tags ?? [],
    multiline: spec.multiline,
    regex,
    lineRegex,
    perLineOnly,
    notNearby: spec.not_nearby ? { regex: new RegExp(spec.not_nearby.pattern, `m${i}`), lines: spec.not_nearby.lines } : undefined,
    literals: literals ? literalRegex(literals, spec.ignore_case) : null,
    requirements: requiredLiteralSets(spec.pattern)
      .filter((set) => set.join("\0") !== literals?.join("\0"))
      .map((set) => literalRegex(set, spec.ignore_case)),
    appliesTo: fileFilter(spec),
    spec,
  };
}
