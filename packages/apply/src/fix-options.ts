import { z } from "zod";
import type { OptionSpec } from "@gembatch/core";
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_VERIFY_TIMEOUT_S } from "./command-deps.js";

/** Verify, retry, escalation and git settings shared by apply and scan-and-fix: one schema, one flag table. */
export const fixFields = {
  // An empty command would switch verification off unnoticed; that takes skip_verify, said out loud.
  verify: z
    .union(
      [
        z.string().trim().min(1, "empty command (to run without verification, pass skip_verify)"),
        z
          .array(z.string().trim().min(1, "empty command (to run without verification, pass skip_verify)"))
          .min(1, "no command (to run without verification, pass skip_verify)"),
      ],
      {
        error: (issue) =>
          issue.code === "invalid_union" && issue.errors.every((e) => e[0]?.code === "invalid_type")
            ? "a command or a list of commands"
            : undefined,
      },
    )
    .optional(),
  skip_verify: z.boolean().optional(),
  verify_timeout: z.number().positive().optional(),
  max_attempts: z.number().int().min(1).max(5).optional(),
  escalate: z.boolean().optional(),
  escalation_model: z.string().min(1).optional(),
  commit: z.boolean().optional(),
  allow_dirty: z.boolean().optional(),
  branch: z.string().min(1).optional(),
};

export const fixOptions: Array<OptionSpec<keyof typeof fixFields>> = [
  {
    key: "verify",
    type: "string[]",
    valueName: "commands",
    description:
      "verify commands; {file} or $GEMBATCH_FILE is the file's path, never pasted into shell text (default: config verify)",
  },
  {
    key: "skip_verify",
    type: "boolean",
    description: "run no verify command, not even the config's (fixes are then checked only by re-scanning)",
  },
  {
    key: "verify_timeout",
    type: "number",
    valueName: "seconds",
    description: `per verify command (default ${DEFAULT_VERIFY_TIMEOUT_S})`,
  },
  {
    key: "max_attempts",
    type: "number",
    description: `attempts per file, the first included (default ${DEFAULT_MAX_ATTEMPTS})`,
  },
  {
    key: "escalate",
    type: "boolean",
    description: "send the failure report to the escalation model and save its analysis",
  },
  {
    key: "escalation_model",
    type: "string",
    description: "model for --escalate (default: config escalation_model or gemini-pro-latest)",
  },
  { key: "commit", type: "boolean", description: "one git commit per fixed file, naming the rule" },
  { key: "allow_dirty", type: "boolean", description: "with --commit: allow uncommitted changes in the work tree" },
  { key: "branch", type: "string", valueName: "name", description: "switch to (or create) this branch first" },
];
