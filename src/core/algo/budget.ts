// Fitting an allocation to a budget: costing, bisection over a strategy's family, filling the rest, trimming.
import { allModules, parseModuleName, type ModelConfig } from '../model/config';
import { compareModuleNames } from './modules';
import { loraParams, mapTrainableParams, namedModuleParams } from './params';
import { summedNormalisedScores } from './sensitivity';
import { AllocationError, type AdapterShape, type Budget, type ExpertMap, type SensitivityTable } from './types';

export const DEFAULT_ADAPTER: AdapterShape = { style: 'shared-a', rank: 8 };

/** How a map is charged against a budget: its total cost, and the cost of one more expert on a module at n. */
export interface Costing {
  cost(map: ExpertMap): number;
  delta(name: string, n: number): number;
  limit: number;
}

export interface BudgetContext {
  budget: Budget;
  /** Needed for `params` and `loraRank` budgets (the modules' shapes). */
  model?: ModelConfig;
  adapter?: AdapterShape;
  /** The modules plain LoRA would adapt, for a `loraRank` budget: the allocation's candidates. */
  targets?: readonly string[];
}

export function totalExperts(map: ExpertMap): number {
  return Object.values(map).reduce((sum, n) => sum + Math.max(0, n), 0);
}

/** The costing of a budget; throws an AllocationError when a parameter budget has no model to measure shapes on. */
export function costingFor(context: BudgetContext): Costing {
  const { budget } = context;
  if (budget.kind === 'none') return { cost: totalExperts, delta: () => 1, limit: Number.POSITIVE_INFINITY };
  if (!(budget.value > 0)) throw new AllocationError(`the ${budget.kind} budget must be a positive number, got ${budget.value}`);
  if (budget.kind === 'experts') return { cost: totalExperts, delta: () => 1, limit: budget.value };
  const model = context.model;
  if (!model) throw new AllocationError(`a "${budget.kind}" budget needs the model's shapes: give the model (--model PATH) or budget experts instead`);
  const adapter = context.adapter ?? DEFAULT_ADAPTER;
  const limit = budget.kind === 'params' ? budget.value : loraParams(model, context.targets ?? [], budget.value);
  return {
    cost: (map) => mapTrainableParams(model, adapter, map),
    delta: (name, n) => namedModuleParams(model, adapter, name, n + 1) - namedModuleParams(model, adapter, name, n),
    limit,
  };
}

export function clampMap(map: ExpertMap, min: number, max: number): ExpertMap {
  return Object.fromEntries(Object.entries(map).map(([name, n]) => [name, Math.min(max, Math.max(min, n))]));
}

/** A strategy as a family of allocations that grows with x (vote percentile, uniform count, layerwise scale, proportional total). */
export interface Family {
  at(x: number): ExpertMap;
  upper: number;
  integer: boolean;
}

/** The largest x in [0, upper] whose allocation fits, by bisection, and that allocation (x = 0 when nothing fits). */
export function largestFitting(family: Family, costing: Costing): { x: number; map: ExpertMap } {
  const top = family.at(family.upper);
  if (costing.cost(top) <= costing.limit) return { x: family.upper, map: top };
  let lo = 0;
  let hi = family.upper;
  for (let i = 0; i < 200 && hi - lo > (family.integer ? 1 : 1e-9); i++) {
    const mid = family.integer ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
    if (costing.cost(family.at(mid)) <= costing.limit) lo = mid;
    else hi = mid;
  }
  return { x: lo, map: family.at(lo) };
}

/** Spends what is left of the budget one expert at a time, in `order` (most deserving first), pass after pass until nothing fits. */
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

export interface TrimOptions extends BudgetContext {
  /** With a table the least sensitive modules lose experts first (unmeasured ones before them); without, the largest. */
  table?: SensitivityTable;
  minExperts?: number;
}

/**
 * Plain LoRA "on the same target modules" covers every layer's module of the map's types, not only the
 * modules the flat map lists (it omits zero-expert modules).
 */
function defaultTargets(map: ExpertMap, model: ModelConfig | undefined): string[] {
  if (!model) return Object.keys(map);
  const types = new Set(Object.keys(map).map((name) => parseModuleName(name)?.type));
  return allModules(model).filter((m) => types.has(m.type)).map((m) => m.name);
}

/** Removes experts one at a time until the map fits the budget, never below minExperts; returns the trimmed map. */
export function trimToBudget(map: ExpertMap, options: TrimOptions): ExpertMap {
  const costing = costingFor({ ...options, targets: options.targets ?? defaultTargets(map, options.model) });
  const min = options.minExperts ?? 0;
  const names = Object.keys(map);
  const scores = options.table ? summedNormalisedScores(options.table, names) : undefined;
  const measured = (name: string) => Object.values(options.table?.tasks ?? {}).some((values) => values[name] !== undefined);
  const score = (name: string) => (measured(name) ? scores!.get(name)! : -1);
  const staticOrder = scores ? [...names].sort((a, b) => score(a) - score(b) || compareModuleNames(b, a)) : undefined;
  const out = { ...map };
  let spent = costing.cost(out);
  while (spent > costing.limit) {
    const order = staticOrder ?? [...names].sort((a, b) => out[b] - out[a] || compareModuleNames(b, a));
    const victim = order.find((name) => out[name] > Math.max(0, min));
    if (!victim) break;
    spent -= costing.delta(victim, out[victim] - 1);
    out[victim]--;
  }
  return out;
}
