import type { CompiledRule } from "@gembatch/scan";

/**
 * Built-in rules whose findings wait on a person's decision (what a TODO asks for, whether a print is
 * wanted, what an abstract method should do): a model handed the file can only guess, and is paid to.
 */
const MANUAL_RULES: readonly string[] = ["todo-comment", "debug-print", "not-implemented"];
/** A custom rule tagged so in gembatch.config.json is left to people too. */
const MANUAL_TAG = "manual";

export function isAutoFixable(rule: Pick<CompiledRule, "id" | "tags">): boolean {
  return !rule.tags.includes(MANUAL_TAG) && !MANUAL_RULES.includes(rule.id);
}
