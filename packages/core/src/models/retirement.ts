import { CliError } from "../errors.js";
import { defaultPricing, resolveModel, type Pricing } from "../pricing/cost.js";

/** A model this close to its shutdown gets a warning on every run. */
const RETIREMENT_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

interface Retirement {
  state: "active" | "retiring" | "retired";
  /** The table key the name resolved to. */
  id: string;
  shutdown: string | null;
  replacement: string | null;
  /** Google sends the retired model's requests to `replacement` (at its rates) instead of failing them. */
  routed: boolean;
  days_left: number | null;
  source: string | null;
  message: string | null;
}

/**
 * Where a model stands against its announced shutdown on the day `now` falls on (UTC): active, within
 * RETIREMENT_WARNING_DAYS of it, or past it. Shutdown dates are Google's "earliest possible" ones.
 */
export function retirementOf(model: string, now: number, pricing: Pricing = defaultPricing): Retirement {
  const { id } = resolveModel(model, pricing, now);
  const entry = pricing.prices[id] ?? pricing.prices[id.replace(/-\d{3}$/, "")];
  const none: Retirement = {
    state: "active",
    id,
    shutdown: null,
    replacement: null,
    routed: false,
    days_left: null,
    source: null,
    message: null,
  };
  if (!entry?.retires) return none;
  const shutdownAt = Date.parse(`${entry.retires}T00:00:00Z`);
  const daysLeft = Math.ceil((shutdownAt - now) / DAY_MS);
  const replacement = entry.replacement ?? null;
  const routed = entry.routed === true && replacement !== null;
  const named = id === model ? model : `${model} (${id})`;
  const after =
    replacement === null
      ? ""
      : routed
        ? `; Google routes its requests to ${replacement}, billed at that model's rates`
        : `; calls fail, move to ${replacement}`;
  const base = {
    ...none,
    shutdown: entry.retires,
    replacement,
    routed,
    days_left: daysLeft,
    source: entry.retires_source ?? null,
  };
  if (daysLeft <= 0)
    return { ...base, state: "retired", message: `${named} was shut down on ${entry.retires}${after}` };
  if (daysLeft <= RETIREMENT_WARNING_DAYS) {
    const when = daysLeft === 1 ? "tomorrow" : `in ${daysLeft} days`;
    const soon =
      replacement === null
        ? ""
        : routed
          ? `; then Google routes its requests to ${replacement}, billed at that model's rates`
          : `; then calls fail, move to ${replacement}`;
    return { ...base, state: "retiring", message: `${named} shuts down on ${entry.retires} (${when})${soon}` };
  }
  return { ...base, state: "active" };
}

/**
 * The retirement gate every command that calls a model passes: a warning within 30 days of shutdown,
 * an error past it unless `allowRetired` (then a warning). Returns what it found, for results.
 */
export function checkRetirement(
  model: string,
  options: { now: number; pricing?: Pricing; allowRetired?: boolean; warn?(message: string): void },
): Retirement {
  const found = retirementOf(model, options.now, options.pricing ?? defaultPricing);
  if (found.state === "retiring") options.warn?.(found.message!);
  if (found.state === "retired") {
    if (!options.allowRetired) {
      throw new CliError("MODEL_RETIRED", `model: ${found.message}`, {
        hint: `${found.replacement ? `use --model ${found.replacement}` : "pick a current model"}, or pass --allow-retired to send anyway`,
      });
    }
    options.warn?.(`${found.message} (sent anyway: --allow-retired)`);
  }
  return found;
}

/** `allow_retired` as given, else GEMBATCH_ALLOW_RETIRED (for commands that take no other generation setting). */
export function allowRetiredFrom(given: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return given ?? /^(1|true|yes)$/i.test(env.GEMBATCH_ALLOW_RETIRED?.trim() ?? "");
}
