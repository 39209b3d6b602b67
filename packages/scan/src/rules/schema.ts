import { z } from "zod";

export const SEVERITIES = ["error", "warning", "note"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Compile a rule's pattern the way the engine will, so a bad regex is reported where it is written. */
function regexProblem(source: string, flags = ""): string | undefined {
  try {
    const regex = new RegExp(source, flags);
    if (regex.exec("")?.[0] === "") return "matches the empty string (it would match everywhere)";
    return undefined;
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
}

const patternString = z.string().min(1, "must not be empty");

const NotNearbySchema = z
  .object({
    pattern: patternString,
    /**
     * Lines before the finding's first line and after its last line that are searched (0 = the finding's own lines).
     */
    lines: z.number().int().min(0).max(1000).default(3),
  })
  .strict();

export type AstLanguage = "python" | "javascript" | "typescript" | "tsx";

/**
 * A structural rule: an ast-grep rule object (`pattern`, `kind`, `inside`, `has`, `any`, `all`,
 * `not`, `stopBy`, …), matched on the parsed file, so it sees functions and scopes as they are.
 */
const AstSchema = z
  .object({
    rule: z.record(z.string(), z.unknown()),
    constraints: z.record(z.string(), z.unknown()).optional(),
    utils: z.record(z.string(), z.unknown()).optional(),
    /**
     * Regexes every file with a match contains (one, or a list that must all occur); files without
     * them are never parsed, which is where a structural rule's time goes.
     */
    prefilter: z.union([patternString.transform((pattern) => [pattern]), z.array(patternString).min(1)]).optional(),
  })
  .strict();

export const RuleSpecSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '-', '_' and '.' only, starting with a letter or digit"),
    message: z.string().min(1),
    severity: z.enum(SEVERITIES).default("warning"),
    /**
     * A JavaScript regular expression, matched line by line unless `multiline` is set. With `ast`,
     * it is the fallback for files no parser is available for.
     */
    pattern: patternString.optional(),
    ast: AstSchema.optional(),
    multiline: z.boolean().default(false),
    /** With `multiline`: `.` also matches newlines. */
    dotall: z.boolean().default(false),
    /**
     * Where a match that spans lines is reported: its first line, or the start of its last line (after indentation).
     */
    anchor: z.enum(["start", "end"]).default("start"),
    ignore_case: z.boolean().default(false),
    /** A finding is dropped when this pattern matches within `lines` lines of it (a known false positive). */
    not_nearby: z.union([patternString.transform((pattern) => ({ pattern, lines: 3 })), NotNearbySchema]).optional(),
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
    /** File extensions without or with the dot (`py`, `.ts`); empty or absent means every text file. */
    extensions: z.array(z.string().min(1)).optional(),
    fix_hint: z.string().min(1).optional(),
    description: z.string().min(1).optional(),
    tags: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const flags = `${rule.ignore_case ? "i" : ""}${rule.multiline ? "m" : ""}${rule.dotall ? "s" : ""}`;
    if (rule.pattern === undefined && rule.ast === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `rule "${rule.id}": needs a pattern (a regex) or an ast rule`,
      });
    const problem = rule.pattern === undefined ? undefined : regexProblem(rule.pattern, flags);
    if (problem) ctx.addIssue({ code: "custom", path: ["pattern"], message: `rule "${rule.id}": ${problem}` });
    for (const [i, prefilter] of (rule.ast?.prefilter ?? []).entries()) {
      const prefilterProblem = regexProblem(prefilter, "m");
      if (prefilterProblem)
        ctx.addIssue({
          code: "custom",
          path: ["ast", "prefilter", i],
          message: `rule "${rule.id}": ${prefilterProblem}`,
        });
    }
    if (rule.not_nearby) {
      const nearProblem = regexProblem(rule.not_nearby.pattern, rule.ignore_case ? "i" : "");
      if (nearProblem)
        ctx.addIssue({ code: "custom", path: ["not_nearby", "pattern"], message: `rule "${rule.id}": ${nearProblem}` });
    }
  });

export type RuleSpecInput = z.input<typeof RuleSpecSchema>;
export type RuleSpec = z.output<typeof RuleSpecSchema>;

/** A rules file is `{"rules": [...]}` or a bare array of rules. */
export const RulesFileSchema = z.object({ $schema: z.string().optional(), rules: z.array(RuleSpecSchema) }).strict();
export const RulesArraySchema = z.array(RuleSpecSchema);

/** The `scan` section of gembatch.config.json. */
export const ScanConfigSchema = z
  .object({
    rules: z.array(RuleSpecSchema).optional(),
    rules_file: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    /** false: run only custom rules. */
    builtin: z.boolean().optional(),
    /** Run only these rule ids. */
    enable: z.array(z.string().min(1)).optional(),
    disable: z.array(z.string().min(1)).optional(),
    paths: z.array(z.string().min(1)).optional(),
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
    /** false: also scan node_modules, __pycache__, venv and the tmp dir. */
    default_excludes: z.boolean().optional(),
    gitignore: z.boolean().optional(),
    hidden: z.boolean().optional(),
    max_file_bytes: z.number().int().positive().optional(),
    context_lines: z.number().int().min(0).max(20).optional(),
    min_severity: z.enum(SEVERITIES).optional(),
    workers: z.number().int().min(0).max(64).optional(),
  })
  .strict();

export type ScanConfig = z.output<typeof ScanConfigSchema>;

export function severityRank(severity: Severity): number {
  return severity === "error" ? 3 : severity === "warning" ? 2 : 1;
}
