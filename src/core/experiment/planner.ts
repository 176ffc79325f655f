// The editor's view of allocation (DESIGN §3.3) over core/algo: reads the experiment's own settings (leniently: the
// user may be typing) and shapes algo's answers for diagnostics, quick fixes, CodeLens and commands.
import {
  AllocationError, allocateExperts, candidateModules as algoCandidates, loraParams, mapTrainableParams, moduleHints as algoHints,
  summarizeAllocation, trimToBudget as algoTrim, type AllocationSummary, type Budget, type ModuleHint, type SensitivityTable,
} from '../algo';
import type { ModelConfig } from '../model/config';
import type { ParameterAccounting } from './facts';
import type { AdapterSettings, AllocationStrategy, BudgetKind, ExpertMap, ThresholdScope } from './types';

export { AllocationError as PlanError, type ModuleHint, type SensitivityTable };

export type { AllocationSummary };

export interface BudgetChoice {
  kind: BudgetKind;
  value?: number;
  minExperts: number;
  maxExperts: number;
}

/** Strategy, thresholds and budget as an experiment file sets them. */
export interface AllocationChoice {
  strategy: AllocationStrategy;
  percentile: number;
  scope: ThresholdScope;
  layerwise: number[];
  uniformExperts?: number;
  budget: BudgetChoice;
}

/** The model as its headers describe it. */
export interface PlanModel {
  config: ModelConfig;
  modules: readonly string[];
}

/** Target modules: the model's (when known) or the sensitivity table's, of the adapter's module types, in model order. */
export function candidateModules(model: PlanModel | undefined, adapter: AdapterSettings, table: SensitivityTable | undefined): string[] {
  return algoCandidates(adapter.targetModules, { model: model?.config, table });
}

function budgetOf(choice: BudgetChoice): Budget {
  return choice.kind === 'none' || choice.value === undefined ? { kind: 'none' } : { kind: choice.kind, value: choice.value };
}

export function accountingFor(model: PlanModel, adapter: AdapterSettings): ParameterAccounting {
  const targets = candidateModules(model, adapter, undefined);
  return {
    trainable: (map) => mapTrainableParams(model.config, adapter, map),
    loraRankEquivalent: (rank) => loraParams(model.config, targets, rank),
  };
}

/** What the experiment file lacks for this choice, said in the file's terms (algo's messages speak of CLI flags). */
function checkInputs(model: PlanModel | undefined, choice: AllocationChoice, table: SensitivityTable | undefined): void {
  if (!table && (choice.strategy === 'vote' || choice.strategy === 'proportional')) {
    throw new AllocationError(`the "${choice.strategy}" strategy needs a sensitivity result: run "Probe Sensitivity" or set allocation.sensitivity`);
  }
  const kind = budgetOf(choice.budget).kind;
  if (!model && (kind === 'params' || kind === 'loraRank')) {
    throw new AllocationError(`a "${kind}" budget needs the model's shapes, and model.path cannot be read; fix model.path or use budget.kind "experts"`);
  }
}

/** The map the strategy gives under the budget (zero-expert modules left out). */
export function suggestAllocation(model: PlanModel | undefined, adapter: AdapterSettings, choice: AllocationChoice, table: SensitivityTable | undefined): ExpertMap {
  checkInputs(model, choice, table);
  const result = allocateExperts({
    strategy: choice.strategy,
    table,
    model: model?.config,
    moduleTypes: adapter.targetModules,
    percentile: choice.percentile,
    scope: choice.scope,
    layerwise: choice.layerwise,
    uniformExperts: choice.uniformExperts,
    budget: budgetOf(choice.budget),
    minExperts: choice.budget.minExperts,
    maxExperts: choice.budget.maxExperts,
    adapter,
  });
  return result.experts;
}

/** Drops experts until the map fits: least sensitive modules first (unmeasured ones before them); without a probe, the largest. */
export function trimToBudget(model: PlanModel | undefined, adapter: AdapterSettings, budget: BudgetChoice, map: ExpertMap, table: SensitivityTable | undefined): ExpertMap {
  const trimmed = algoTrim(map, {
    budget: budgetOf(budget),
    model: model?.config,
    adapter,
    targets: model ? candidateModules(model, adapter, undefined) : undefined,
    table,
    minExperts: budget.minExperts,
  });
  return Object.fromEntries(Object.entries(trimmed).filter(([, n]) => n > 0));
}

/** Totals; with the model, trainable parameters and the plain-LoRA rank (on every target module) with equal parameters. */
export function summarize(model: PlanModel | undefined, adapter: AdapterSettings, map: ExpertMap): AllocationSummary {
  return summarizeAllocation(map, { model: model?.config, adapter, targets: model ? candidateModules(model, adapter, undefined) : undefined });
}

/** Per map entry: its count, its sensitivity rank among the target modules the probe measured, and the suggestion. */
export function moduleHints(adapter: AdapterSettings, map: ExpertMap, table: SensitivityTable | undefined, suggestion: ExpertMap | undefined): Map<string, ModuleHint> {
  return algoHints(map, { table, candidates: table ? candidateModules(undefined, adapter, table) : undefined, suggestion });
}
