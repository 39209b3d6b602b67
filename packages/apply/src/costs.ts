import { roundUsd } from "@gembatch/core";

/**
 * Spend across every send of a run (first attempts, retries, escalation), keyed by where it was spent
 * so a resumed send run replaces its earlier total instead of adding to it.
 */
export interface CostTracker {
  readonly maxCost: number | null;
  spent(): number;
  /** What a next send may spend; undefined without a cap. */
  remaining(): number | undefined;
  record(key: string, cost: number): void;
  /** Add to what `key` has spent (a send run resumed in several passes). */
  add(key: string, cost: number): void;
  entries(): Record<string, number>;
}

export function createCostTracker(maxCost: number | null, initial: Record<string, number> = {}): CostTracker {
  const costs = new Map(Object.entries(initial));
  const spent = () => roundUsd([...costs.values()].reduce((sum, cost) => sum + cost, 0));
  return {
    maxCost,
    spent,
    remaining: () => (maxCost === null ? undefined : Math.max(0, roundUsd(maxCost - spent()))),
    record(key, cost) {
      costs.set(key, cost);
    },
    add(key, cost) {
      costs.set(key, roundUsd((costs.get(key) ?? 0) + cost));
    },
    entries: () => Object.fromEntries(costs),
  };
}

/** What one runSend call spent itself: its total without the files an earlier pass answered. */
export function newSpend(result: {
  total_cost: number;
  results: ReadonlyArray<{ resumed: boolean; cost: number | null }>;
}): number {
  const earlier = result.results.filter((r) => r.resumed).reduce((sum, r) => sum + (r.cost ?? 0), 0);
  return Math.max(0, roundUsd(result.total_cost - earlier));
}
