import path from "node:path";
import { CliError, guardProjectPath } from "@gembatch/core";
import type { ToolSpec } from "./tools.js";

function values(value: unknown): Array<[string, unknown]> {
  return Array.isArray(value) ? value.map((item, i) => [`[${i}]`, item]) : [["", value]];
}

/**
 * Refuse a tool call that names a path outside the project root (through `..`, an absolute path or a
 * symlink that leads out) before the command sees it: the server was started for one project, and an
 * agent's arguments must not reach past it. Fields that are not strings are left to the schema.
 */
export function guardToolPaths(
  spec: ToolSpec,
  args: Record<string, unknown>,
  options: { cwd: string; root: string },
): void {
  for (const [key, why] of Object.entries(spec.refused ?? {})) {
    if (args[key] !== undefined)
      throw new CliError("BAD_INPUT", `${key}: not accepted over MCP: ${why}`, {
        hint: `leave ${key} out of the call`,
      });
  }
  for (const field of spec.paths) {
    for (const [suffix, value] of values(args[field.key])) {
      if (typeof value !== "string" || value === "") continue;
      guardProjectPath(options.root, path.resolve(options.cwd, value), {
        field: `${field.key}${suffix}`,
        purpose: "locate",
        display: value,
      });
    }
  }
}
