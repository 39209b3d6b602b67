import { periodAt, resolveModel, retirementOf, type Pricing } from "@gembatch/core";
import type { Check } from "./doctor.js";

/**
 * What doctor says about a model: where an alias points and on whose word, its price with source and
 * date (a figure Google's page does not confirm is a warning), and its retirement (a warning within 30
 * days of shutdown, a failure past it).
 */
export function modelChecks(model: string, now: number, pricing: Pricing): Check[] {
  const checks: Check[] = [];
  const name = model.trim().replace(/^models\//, "");
  const alias = pricing.aliases[name];
  if (alias) {
    const detail = `${name} → ${alias.target} (${alias.source}, read ${alias.as_of})`;
    checks.push(
      alias.unconfirmed
        ? { name: "alias", status: "warn", detail: `${detail}; unconfirmed: ${alias.unconfirmed}` }
        : { name: "alias", status: "ok", detail },
    );
  }
  const resolved = resolveModel(model, pricing, now);
  const price = resolved.known ? pricing.prices[resolved.id] : undefined;
  if (!price) {
    checks.push({
      name: "pricing",
      status: "warn",
      detail: `no price known for ${model}: costs will be reported as null (add it under "pricing" in gembatch.config.json)`,
    });
  } else {
    const period = periodAt(price, now);
    const shown = `${model}${resolved.id !== model ? ` (→ ${resolved.id})` : ""}`;
    const rates = `$${period.standard.input} in / $${period.standard.output} out per 1M tokens`;
    const detail = `${shown}: ${rates} (${period.source}, read ${period.as_of})`;
    checks.push(
      period.unconfirmed
        ? { name: "pricing", status: "warn", detail: `${detail}; unconfirmed: ${period.unconfirmed}` }
        : { name: "pricing", status: "ok", detail },
    );
  }
  const retirement = retirementOf(model, now, pricing);
  if (retirement.state === "retired")
    checks.push({
      name: "retirement",
      status: "fail",
      detail: `${retirement.message} (commands refuse it unless --allow-retired)`,
    });
  else if (retirement.state === "retiring")
    checks.push({ name: "retirement", status: "warn", detail: retirement.message! });
  else if (retirement.shutdown)
    checks.push({ name: "retirement", status: "ok", detail: `${retirement.id} shuts down on ${retirement.shutdown}` });
  return checks;
}
