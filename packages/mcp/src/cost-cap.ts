import { CliError } from "@gembatch/core";
import type { ToolSpec } from "./tools.js";

/**
 * `gembatch mcp --max-cost`: a ceiling on what one call may spend, set by whoever started the server,
 * not by the agent calling it. A call that asks for more is refused; a call that names no cap gets the
 * lower of the server's and the config file's.
 */
export function capCost(
  spec: ToolSpec,
  args: Record<string, unknown>,
  cap: number | undefined,
  configured: number | undefined,
): Record<string, unknown> {
  if (cap === undefined || !spec.spends) return args;
  const given = args.max_cost;
  if (typeof given === "number" && given > cap) {
    throw new CliError("BAD_INPUT", `max_cost: ${given} is above this server's cap of ${cap} USD`, {
      hint: "ask for less; the cap is set by gembatch mcp --max-cost",
    });
  }
  if (given !== undefined) return args;
  return { ...args, max_cost: configured === undefined ? cap : Math.min(cap, configured) };
}
