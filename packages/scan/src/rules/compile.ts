import picomatch from "picomatch";
import { bytePattern, type BytePattern } from "./byte-search.js";
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
  /** False for a structural rule without a regex fallback: files no parser reads get nothing. */
  hasPattern: boolean;
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
  /**
   * The same literal sets as UTF-8 bytes, for a check before a file is decoded: every inner set
   * needs one of its members present. Null when a byte search could miss a match (ignore_case
   * with letters in a literal, or no literal known).
   */
  byteSets: BytePattern[][] | null;
  /**
   * For structural rules: the `ast.prefilter` regexes (all must match) and their literal sets, checked before a file is
   * parsed.
   */
  astPrefilter: RegExp[];
  astByteSets: BytePattern[][] | null;
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

/** Byte forms of the literal sets, or null when searching bytes could miss what the regex finds. */
function byteSetsOf(sets: string[][], ignoreCase: boolean): BytePattern[][] | null {
  if (sets.length === 0) return null;
  const all = sets.flat();
  // Decoding replaces bad bytes with U+FFFD, which the raw bytes do not contain.
  if (all.some((literal) => literal.includes("\uFFFD"))) return null;
  // Case-insensitive literals with letters are left to the regex: in real code they are common
  // words, so a case-folded byte search costs more than it saves.
  if (ignoreCase && all.some((literal) => literal.toLowerCase() !== literal.toUpperCase())) return null;
  return sets.map((set) => set.map(bytePattern));
}

/** Stands in for the regex of a structural rule that has none: it never matches. */
const NEVER = "(?!)";

function literalSetsOf(pattern: string, ignoreCase: boolean) {
  const literals = requiredLiterals(pattern);
  const requirementSets = requiredLiteralSets(pattern).filter((set) => set.join("\0") !== literals?.join("\0"));
  return {
    literals,
    requirementSets,
    byteSets: byteSetsOf(literals ? [literals, ...requirementSets] : requirementSets, ignoreCase),
  };
}

export function compileRule(spec: RuleSpec): CompiledRule {
  const i = spec.ignore_case ? "i" : "";
  const pattern = spec.pattern ?? NEVER;
  const perLineOnly = !spec.multiline && LOOKAROUND.test(pattern);
  // In line mode `.` gets the dotAll flag: on a single line it then matches anything but the
  // newline, including a CR, which is what grep and rg do. The whole-text pass also gets `m` so
  // that it finds at least every line the exact per-line pass would.
  const regex = spec.multiline
    ? new RegExp(pattern, `gm${i}${spec.dotall ? "s" : ""}`)
    : new RegExp(pattern, `gms${i}`);
  const { literals, requirementSets, byteSets } =
    spec.pattern === undefined
      ? { literals: null, requirementSets: [], byteSets: null }
      : literalSetsOf(pattern, spec.ignore_case);
  const lineRegex = spec.multiline ? undefined : new RegExp(pattern, `gs${i}`);
  const prefilter = spec.ast?.prefilter;
  return {
    id: spec.id,
    message: spec.message,
    severity: spec.severity,
    fixHint: spec.fix_hint,
    description: spec.description,
    tags: spec.tags ?? [],
    multiline: spec.multiline,
    hasPattern: spec.pattern !== undefined,
    regex,
    lineRegex,
    perLineOnly,
    notNearby: spec.not_nearby
      ? { regex: new RegExp(spec.not_nearby.pattern, `m${i}`), lines: spec.not_nearby.lines }
      : undefined,
    literals: literals ? literalRegex(literals, spec.ignore_case) : null,
    requirements: requirementSets.map((set) => literalRegex(set, spec.ignore_case)),
    byteSets,
    astPrefilter: (prefilter ?? []).map((source) => new RegExp(source, "gm")),
    astByteSets: prefilter ? prefilter.flatMap((source) => literalSetsOf(source, false).byteSets ?? []) : null,
    appliesTo: fileFilter(spec),
    spec,
  };
}
