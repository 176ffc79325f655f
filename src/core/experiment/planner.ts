// The editor's view of allocation (DESIGN §3.3): suggestions, trimming, parameter accounting and per-module hints
// for an experiment value that may be half-typed. Pure and fast enough for the extension host.
import { moduleShape, parseModuleName } from '../model/config';
import { loraParametersPerRank, mapParameters, moduleParameters, parameterAccounting } from './allocation/accounting';
import { clampMap, fillRemainder, largestFitting, trimMap, type Costing } from './allocation/budgetFit';
import { summedNormalisedScores } from './allocation/sensitivity';
import { layerwiseAllocation, proportionalAllocation, uniformAllocation, voteAllocation } from './allocation/strategies';
import { PlanError, type AllocationChoice, type AllocationSummary, type BudgetChoice, type ModuleHint, type PlanModel, type SensitivityTable } from './allocation/types';
import { compareModuleNames } from './expertMap';
import type { ParameterAccounting } from './facts';
import type { AdapterSettings, ExpertMap } from './types';

export * from './allocation/types';
export { readSensitivityTable } from './allocation/sensitivity';

export function accountingFor(model: PlanModel, adapter: AdapterSettings): ParameterAccounting {
  return parameterAccounting(model.config, adapter);
}

/** Target modules: the model's (when known) or the sensitivity table's, of the adapter's module types, in model order. */
export function candidateModules(model: PlanModel | undefined, adapter: AdapterSettings, table: SensitivityTable | undefined): string[] {
  const types = new Set<string>(adapter.targetModules);
  const pool = model ? model.modules : [...new Set(Object.values(table?.tasks ?? {}).flatMap((values) => Object.keys(values)))];
  return pool.filter((name) => types.has(parseModuleName(name)?.type ?? '')).sort(compareModuleNames);
}

function costingFor(model: PlanModel | undefined, adapter: AdapterSettings, budget: BudgetChoice): Costing {
  const limit = budget.value ?? Number.POSITIVE_INFINITY;
  if (budget.kind === 'experts' || budget.kind === 'none') {
    return { cost: (map) => Object.values(map).reduce((a, n) => a + Math.max(0, n), 0), delta: () => 1, limit };
  }
  if (!model) throw new PlanError(`a "${budget.kind}" budget needs the model's shapes, and model.path cannot be read; fix model.path or use budget.kind "experts"`);
  const accounting = parameterAccounting(model.config, adapter);
  const delta = (name: string, n: number) => {
    const parsed = parseModuleName(name);
    if (!parsed) return 0;
    const { dIn, dOut } = moduleShape(model.config, parsed.type);
    return moduleParameters(adapter.style, adapter.rank, n + 1, dIn, dOut) - moduleParameters(adapter.style, adapter.rank, n, dIn, dOut);
  };
  return { cost: accounting.trainable, delta, limit: budget.kind === 'params' ? limit : accounting.loraRankEquivalent(limit) };
}

/** Most deserving first: by summed normalised sensitivity when known, else model order. */
function preference(table: SensitivityTable | undefined, candidates: readonly string[]): string[] {
  if (!table) return [...candidates];
  const scores = summedNormalisedScores(table, candidates);
  return [...candidates].sort((a, b) => scores.get(b)! - scores.get(a)! || compareModuleNames(a, b));
}

function needsSensitivity(choice: AllocationChoice, table: SensitivityTable | undefined): asserts table is SensitivityTable {
  if (!table) throw new PlanError(`the "${choice.strategy}" strategy needs a sensitivity result: run "Probe Sensitivity" or set allocation.sensitivity`);
}

/** One strategy as a family of allocations growing with x, and the x it uses without a budget. */
interface Family {
  at(x: number): ExpertMap;
  unbudgeted: number;
  upper: number;
  integer: boolean;
}

function familyFor(choice: AllocationChoice, candidates: string[], model: PlanModel | undefined, table: SensitivityTable | undefined): Family {
  const { minExperts: min, maxExperts: max } = choice.budget;
  const clamp = (map: ExpertMap) => clampMap(map, min, max);
  switch (choice.strategy) {
    case 'vote':
      needsSensitivity(choice, table);
      return { at: (p) => clamp(voteAllocation(table, candidates, p, choice.scope)), unbudgeted: choice.percentile, upper: 100, integer: false };
    case 'uniform':
      return { at: (n) => clamp(uniformAllocation(candidates, n)), unbudgeted: choice.uniformExperts ?? 1, upper: max, integer: true };
    case 'layerwise': {
      const layers = model?.config.numLayers ?? 1 + Math.max(0, ...candidates.map((name) => parseModuleName(name)?.layer ?? 0));
      const smallest = Math.min(...choice.layerwise.filter((n) => n > 0), max);
      return { at: (k) => clamp(layerwiseAllocation(candidates, choice.layerwise, layers, k)), unbudgeted: 1, upper: max / Math.max(1, smallest), integer: false };
    }
    case 'proportional': {
      needsSensitivity(choice, table);
      const voted = Object.values(clamp(voteAllocation(table, candidates, choice.percentile, choice.scope))).reduce((a, b) => a + b, 0);
      return { at: (t) => clamp(proportionalAllocation(table, candidates, t, max)), unbudgeted: voted, upper: candidates.length * max, integer: true };
    }
    default: {
      const never: never = choice.strategy;
      throw new PlanError(`unknown allocation.strategy "${String(never)}"`);
    }
  }
}

function withoutZeros(map: ExpertMap): ExpertMap {
  return Object.fromEntries(Object.entries(map).filter(([, n]) => n > 0));
}

/** The map the strategy gives under the budget: unbudgeted as configured, or the largest fitting member plus a fill. */
export function suggestAllocation(model: PlanModel | undefined, adapter: AdapterSettings, choice: AllocationChoice, table: SensitivityTable | undefined): ExpertMap {
  const candidates = candidateModules(model, adapter, table);
  if (candidates.length === 0) {
    throw new PlanError(model || table ? `no module of the adapter.targetModules types (${adapter.targetModules.join(', ')}) to allocate to` : 'nothing to allocate over: model.path cannot be read and there is no sensitivity result');
  }
  const family = familyFor(choice, candidates, model, table);
  if (choice.budget.kind === 'none' || choice.budget.value === undefined) return withoutZeros(family.at(family.unbudgeted));
  const costing = costingFor(model, { ...adapter }, choice.budget);
  const fitted = largestFitting(family.at, costing, family.upper, family.integer);
  return withoutZeros(fillRemainder(fitted, preference(table, candidates), costing, choice.budget.maxExperts));
}

/** Drops experts until the map fits: least sensitive modules first (unmeasured ones before them); without a probe, the largest. */
export function trimToBudget(model: PlanModel | undefined, adapter: AdapterSettings, budget: BudgetChoice, map: ExpertMap, table: SensitivityTable | undefined): ExpertMap {
  if (budget.kind === 'none' || budget.value === undefined) return map;
  const costing = costingFor(model, adapter, budget);
  const names = Object.keys(map);
  const scores = table ? summedNormalisedScores(table, candidateModules(undefined, adapter, table)) : undefined;
  const order = scores
    ? () => [...names].sort((a, b) => (scores.get(a) ?? -1) - (scores.get(b) ?? -1) || compareModuleNames(b, a))
    : (current: ExpertMap) => [...names].sort((a, b) => current[b] - current[a] || compareModuleNames(b, a));
  return withoutZeros(trimMap(map, order, costing, budget.minExperts));
}

export function summarize(model: PlanModel | undefined, adapter: AdapterSettings, map: ExpertMap): AllocationSummary {
  const counts = Object.values(map);
  const summary: AllocationSummary = { totalExperts: counts.reduce((a, n) => a + Math.max(0, n), 0), modulesWithAdapters: counts.filter((n) => n > 0).length };
  if (!model) return summary;
  const trainable = mapParameters(model.config, adapter, map);
  const perRank = loraParametersPerRank(model.config, adapter.targetModules);
  return { ...summary, trainableParameters: trainable, loraRankEquivalent: perRank > 0 ? trainable / perRank : undefined };
}

/** Per map entry: its count, its sensitivity rank among the candidates the probe measured, and the suggestion. */
export function moduleHints(adapter: AdapterSettings, map: ExpertMap, table: SensitivityTable | undefined, suggestion: ExpertMap | undefined): Map<string, ModuleHint> {
  const ranked = table ? preference(table, candidateModules(undefined, adapter, table)) : [];
  const rankOf = new Map(ranked.map((name, i) => [name, i + 1]));
  const hints = new Map<string, ModuleHint>();
  for (const [name, count] of Object.entries(map)) {
    const rank = rankOf.get(name);
    hints.set(name, {
      count,
      ...(rank !== undefined ? { sensitivityRank: rank, of: ranked.length } : {}),
      ...(suggestion ? { suggested: suggestion[name] ?? 0 } : {}),
    });
  }
  return hints;
}
