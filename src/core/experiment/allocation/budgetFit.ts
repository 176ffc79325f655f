import type { ExpertMap } from '../types';

/** How a map is charged against a budget: total cost and the cost of one more expert on a module at n experts. */
export interface Costing {
  cost(map: ExpertMap): number;
  delta(name: string, n: number): number;
  limit: number;
}

export function clampMap(map: ExpertMap, min: number, max: number): ExpertMap {
  return Object.fromEntries(Object.entries(map).map(([name, n]) => [name, Math.min(max, Math.max(min, n))]));
}

/**
 * The largest x in [0, upper] whose allocation family(x) fits the budget, by bisection (families grow with x:
 * the vote percentile, a uniform count, a layerwise scale, a proportional total).
 */
export function largestFitting(family: (x: number) => ExpertMap, costing: Costing, upper: number, integer: boolean): ExpertMap {
  let lo = 0;
  let hi = upper;
  if (costing.cost(family(hi)) <= costing.limit) return family(hi);
  for (let i = 0; i < 60 && hi - lo > (integer ? 1 : 1e-9); i++) {
    const mid = integer ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
    if (costing.cost(family(mid)) <= costing.limit) lo = mid;
    else hi = mid;
  }
  return family(lo);
}

/** Spends what is left of the budget one expert at a time, in `order` (most deserving first), passing until nothing fits. */
export function fillRemainder(map: ExpertMap, order: readonly string[], costing: Costing, max: number): ExpertMap {
  const out = { ...map };
  let spent = costing.cost(out);
  for (let added = true; added; ) {
    added = false;
    for (const name of order) {
      const n = out[name] ?? 0;
      if (n >= max) continue;
      const delta = costing.delta(name, n);
      if (spent + delta > costing.limit) continue;
      out[name] = n + 1;
      spent += delta;
      added = true;
    }
  }
  return out;
}

/** Removes experts one at a time from the first module `order(map)` names (least deserving first) above `min`, until within budget. */
export function trimMap(map: ExpertMap, order: (current: ExpertMap) => readonly string[], costing: Costing, min: number): ExpertMap {
  const out = { ...map };
  let spent = costing.cost(out);
  while (spent > costing.limit) {
    const victim = order(out).find((name) => (out[name] ?? 0) > min && (out[name] ?? 0) > 0);
    if (!victim) break;
    spent -= costing.delta(victim, out[victim] - 1);
    out[victim]--;
  }
  return out;
}
