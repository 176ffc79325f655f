// One entry point for every strategy and budget (DESIGN.md §3.3).
import { ATTENTION_TYPES, parseModuleName, type ModelConfig, type ModuleType } from '../model/config';
import { allocateLayerwise, allocateProportional, allocateUniform, DEFAULT_LAYERWISE } from './baselines';
import { clampMap, costingFor, DEFAULT_ADAPTER, fillRemainder, largestFitting, totalExperts, type Family } from './budget';
import { candidateModules, compareModuleNames, layerCount, orderedExpertMap } from './modules';
import { rankBySensitivity } from './sensitivity';
import { summarizeAllocation, type AllocationSummary } from './summary';
import { AllocationError, type AdapterShape, type AllocationStrategy, type Budget, type ExpertMap, type SensitivityTable, type ThresholdScope } from './types';
import { checkTableFits } from './tableFit';
import { allocateByVote, voteFamily } from './vote';

export interface AllocationRequest {
  strategy: AllocationStrategy;
  /** Needed by `vote` and `proportional`. */
  table?: SensitivityTable;
  /** Gives the candidate modules and their shapes; needed by `params` and `loraRank` budgets. */
  model?: ModelConfig;
  /** Module types that may receive experts (default q,k,v,o, as the paper). */
  moduleTypes?: readonly ModuleType[];
  /** Explicit candidates, overriding model/table × moduleTypes. */
  candidates?: readonly string[];
  /** Vote: a task votes for its top p% (default 60). */
  percentile?: number;
  scope?: ThresholdScope;
  /** Layerwise: experts per depth group (default [2, 4, 6, 8], by quarter). */
  layerwise?: readonly number[];
  /** Uniform without a budget: experts per module (default 1). */
  uniformExperts?: number;
  budget?: Budget;
  /** Fewest experts per candidate (default 0). */
  minExperts?: number;
  /** Most experts per module (default 8). */
  maxExperts?: number;
  adapter?: AdapterShape;
}

export interface AllocationResult {
  /** Model order, zero-expert modules omitted. */
  experts: ExpertMap;
  candidates: string[];
  /** Where the strategy's knob settled: vote percentile, uniform count, layerwise scale or proportional total. */
  setting: number;
  summary: AllocationSummary;
}

function needTable(request: AllocationRequest): SensitivityTable {
  if (!request.table) throw new AllocationError(`the "${request.strategy}" strategy needs sensitivities: run the probe or give a sensitivity file`);
  return request.table;
}

/** The strategy as a family growing with x, the x it uses without a budget, and its fill order. */
function familyFor(request: AllocationRequest, candidates: string[], min: number, max: number): Family & { unbudgeted: number; order: string[] } {
  const clamp = (map: ExpertMap) => clampMap(map, min, max);
  const vote = { percentile: request.percentile ?? 60, scope: request.scope ?? 'pooled' };
  switch (request.strategy) {
    case 'vote': {
      const table = needTable(request);
      const votes = voteFamily(table, candidates, vote.scope);
      const at = (p: number) => clamp(votes(p));
      return { at, upper: 100, integer: false, unbudgeted: vote.percentile, order: rankBySensitivity(table, candidates) };
    }
    case 'uniform':
      return { at: (n) => clamp(allocateUniform(candidates, n)), upper: max, integer: true, unbudgeted: request.uniformExperts ?? 1, order: candidates };
    case 'layerwise': {
      const pattern = request.layerwise ?? DEFAULT_LAYERWISE;
      const layers = request.model?.numLayers ?? layerCount(candidates);
      const at = (k: number) => clamp(allocateLayerwise(candidates, layers, pattern, k));
      const smallest = Math.min(max, ...pattern.filter((n) => n > 0));
      const base = at(1);
      const order = [...candidates].sort((a, b) => base[b] - base[a] || compareModuleNames(a, b));
      return { at, upper: max / Math.max(1, smallest), integer: false, unbudgeted: 1, order };
    }
    case 'proportional': {
      const table = needTable(request);
      const voted = totalExperts(clamp(allocateByVote(table, candidates, vote)));
      const at = (t: number) => clamp(allocateProportional(table, candidates, t, max));
      return { at, upper: candidates.length * max, integer: true, unbudgeted: voted, order: rankBySensitivity(table, candidates) };
    }
    default: {
      const never: never = request.strategy;
      throw new AllocationError(`unknown allocation strategy "${String(never)}" (vote, uniform, layerwise or proportional)`);
    }
  }
}

function candidatesOf(request: AllocationRequest): string[] {
  const types = request.moduleTypes ?? ATTENTION_TYPES;
  const candidates = request.candidates
    ? [...request.candidates].sort(compareModuleNames)
    : candidateModules(types, { model: request.model, table: request.table });
  if (candidates.length === 0) {
    const from = request.model ? 'the model' : request.table ? 'the sensitivity table' : 'nothing (give a model or a sensitivity table)';
    throw new AllocationError(`no candidate modules of types ${types.join(', ')} in ${from}`);
  }
  const bad = candidates.find((name) => !parseModuleName(name));
  if (bad) throw new AllocationError(`"${bad}" is not a module name like model.layers.0.self_attn.q_proj`);
  return candidates;
}

/**
 * Experts per module for one strategy under one budget. Without a budget the strategy decides (vote: one expert
 * per vote). With one, the strategy's knob is bisected for the largest allocation within budget and the remainder
 * is filled one expert at a time (vote/proportional: most sensitive first; layerwise: deepest group first;
 * uniform: model order). min/max clamp every candidate; a budget below what minExperts alone costs is an error.
 */
export function allocateExperts(request: AllocationRequest): AllocationResult {
  const candidates = candidatesOf(request);
  const min = request.minExperts ?? 0;
  const max = request.maxExperts ?? 8;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= 1 && min <= max)) {
    throw new AllocationError(`min/max experts must be integers with 0 <= min (${min}) <= max (${max}) and max >= 1`);
  }
  const adapter = request.adapter ?? DEFAULT_ADAPTER;
  const budget = request.budget ?? { kind: 'none' };
  if (request.table && (request.strategy === 'vote' || request.strategy === 'proportional')) checkTableFits(request.table, candidates, request.model);
  const family = familyFor(request, candidates, min, max);
  const costing = costingFor({ budget, model: request.model, adapter, targets: candidates });
  let setting = family.unbudgeted;
  let map = family.at(setting);
  if (budget.kind !== 'none') {
    const fitted = largestFitting(family, costing);
    if (costing.cost(fitted.map) > costing.limit) {
      throw new AllocationError(`the ${budget.kind} budget ${budget.value} is below what minExperts ${min} on all ${candidates.length} modules costs (${costing.cost(fitted.map)}); lower minExperts or raise the budget`);
    }
    setting = fitted.x;
    map = fillRemainder(fitted.map, family.order, costing, max);
  }
  const experts = orderedExpertMap(map);
  return { experts, candidates, setting, summary: summarizeAllocation(experts, { model: request.model, adapter, targets: candidates }) };
}
