import { z } from "zod";
import { SEVERITIES } from "./rules/schema.js";

const strings = z.array(z.string().min(1));

export const baseShape = {
  paths: strings.optional(),
  rules: strings.optional(),
  disable: strings.optional(),
  rules_file: z.string().min(1).optional(),
  include: strings.optional(),
  exclude: strings.optional(),
  gitignore: z.boolean().optional(),
  default_excludes: z.boolean().optional(),
  hidden: z.boolean().optional(),
  max_file_bytes: z.number().int().positive().optional(),
  context_lines: z.number().int().min(0).max(20).optional(),
  min_severity: z.enum(SEVERITIES).optional(),
  sarif: z.string().min(1).optional(),
  baseline: z.string().min(1).optional(),
  fail_on_findings: z.boolean().optional(),
  max_findings: z.number().int().min(0).optional(),
  jsonl: z.boolean().optional(),
  changed_since: z.string().min(1).optional(),
  workers: z.number().int().min(0).max(64).optional(),
  list_rules: z.boolean().optional(),
};

export const reportShape = {
  report: z.boolean().optional(),
  include_imports: z.boolean().optional(),
  max_context_tokens: z.number().int().positive().optional(),
};

export const fullSchema = z.object({ ...baseShape, ...reportShape }).strict();
export type ScanInput = z.output<typeof fullSchema>;
