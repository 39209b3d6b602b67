import { cacheStorageCost, CliError, computeCost, estimateRequestCost, roundUsd, type Pricing } from "@gembatch/core";

export interface Reservation {
  readonly amount: number;
}

/**
 * Spend so far plus what requests in flight may still cost. A request is sent only if the cap holds
 * even when every request in flight costs its full estimate.
 */
export interface Budget {
  readonly maxCost: number | null;
  spent(): number;
  reserve(estimate: number): Reservation | null;
  settle(reservation: Reservation, actual: number | null): void;
  release(reservation: Reservation): void;
  add(amount: number | null): void;
}

export function createBudget(maxCost: number | null): Budget {
  let spent = 0;
  let reserved = 0;
  return {
    maxCost,
    spent: () => roundUsd(spent),
    reserve(estimate) {
      if (maxCost !== null && spent + reserved + estimate > maxCost + 1e-12) return null;
      reserved += estimate;
      return { amount: estimate };
    },
    settle(reservation, actual) {
      reserved -= reservation.amount;
      // An unpriced reply still spent money: count the estimate rather than nothing.
      spent += actual ?? reservation.amount;
    },
    release(reservation) {
      reserved -= reservation.amount;
    },
    add(amount) {
      if (amount !== null) spent += amount;
    },
  };
}

/** max_cost needs a price to enforce; refuse it up front for a model without one. */
export function checkBudgetable(options: {
  maxCost: number | null;
  model: string;
  batch: boolean;
  pricing: Pricing;
  at: number;
}): void {
  if (options.maxCost === null) return;
  const probe = estimateRequestCost(
    { model: options.model, promptTokens: 1, maxTokens: 1, batch: options.batch, at: options.at },
    options.pricing,
  );
  if (probe === null) {
    throw new CliError(
      "BAD_INPUT",
      `max_cost: no ${options.batch ? "batch " : ""}price is known for model "${options.model}", so the cap cannot be enforced`,
      {
        hint: `add the model under "pricing" in gembatch.config.json, pick a model with a known price, or drop max_cost`,
      },
    );
  }
}

export interface CacheHold {
  creation: Reservation;
  storage: Reservation;
}

/**
 * Hold what an explicit cache will cost (its tokens at the input price when made, and storage for its
 * whole TTL) against the budget; null when that would cross the cap. An unknown price holds nothing
 * (max_cost is refused up front for such a model).
 */
export function reserveCacheCost(
  budget: Budget,
  input: { model: string; tokens: number; ttlSeconds: number; pricing: Pricing; at: number },
): CacheHold | null {
  const creation =
    computeCost({ model: input.model, usage: { promptTokenCount: input.tokens }, at: input.at }, input.pricing).cost ??
    0;
  const storage = cacheStorageCost(input.model, input.tokens, input.ttlSeconds / 3600, input.at, input.pricing) ?? 0;
  const first = budget.reserve(creation);
  if (!first) return null;
  const second = budget.reserve(storage);
  if (!second) {
    budget.release(first);
    return null;
  }
  return { creation: first, storage: second };
}
