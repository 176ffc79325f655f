// The `sweep` section: its expansion into runs and the checks that must pass before any of them starts.
import { allocateUniform, candidateModules, costingFor, loraParamsPerRank, type Budget } from '../algo';
import type { ModelConfig } from '../model/config';
import type { Experiment, SweepStrategy } from './types';

/** One run of a sweep: how to allocate (strategy, budget, vote percentile) and which training seed. */
export interface SweepRunSpec {
  id: string;
  strategy: SweepStrategy;
  budget: Budget;
  /** Vote only. */
  percentile?: number;
  seed: number;
}

/** What defines a configuration besides the training seed: runs with the same one differ only by seed. */
export type ConfigurationSpec = Omit<SweepRunSpec, 'id' | 'seed'>;

/** A problem found before anything runs, naming the field of the experiment file. */
export interface SweepProblem {
  path: string;
  message: string;
}

function budgetLabel(budget: Budget): string {
  return budget.kind === 'none' ? 'nobudget' : `${budget.kind}${budget.value}`;
}

/** The configuration part of a run (everything but the seed): runs with the same key differ only by seed. */
export function configurationKey(spec: ConfigurationSpec): string {
  return [spec.strategy, ...(spec.percentile === undefined ? [] : [`p${spec.percentile}`]), budgetLabel(spec.budget)].join('-');
}

/** The experiment file's own budget, as a sweep budget. */
export function fileBudget(experiment: Experiment): Budget {
  const { kind, value } = experiment.budget;
  return kind === 'none' || value === undefined ? { kind: 'none' } : { kind, value };
}

/** The configuration the file itself describes (its allocation strategy, budget and, for the vote, percentile). */
export function configurationOf(experiment: Experiment): ConfigurationSpec {
  const { strategy, percentile } = experiment.allocation;
  return { strategy, budget: fileBudget(experiment), ...(strategy === 'vote' ? { percentile } : {}) };
}

/**
 * Every combination of the sweep's lists, configuration-major and seed-minor (so finished runs complete
 * configurations early); lists left out keep the file's own setting; percentiles multiply only the vote.
 */
export function expandSweep(experiment: Experiment): SweepRunSpec[] {
  const sweep = experiment.sweep;
  const seeds = sweep?.seeds ?? [experiment.training.seed];
  const strategies = sweep?.strategies ?? [experiment.allocation.strategy];
  const budgets: Budget[] = sweep?.budgets ?? [fileBudget(experiment)];
  const percentiles = sweep?.percentiles ?? [experiment.allocation.percentile];
  const specs: SweepRunSpec[] = [];
  for (const strategy of strategies) {
    for (const budget of budgets) {
      for (const percentile of strategy === 'vote' ? percentiles : [undefined]) {
        for (const seed of seeds) {
          const config = { strategy, budget, percentile };
          specs.push({ id: `${configurationKey(config)}-s${seed}`, ...config, seed });
        }
      }
    }
  }
  return specs;
}

/** Plain LoRA's rank for a budget: the budget's rank, the most that fits a parameter budget, else the adapter's. */
export function plainLoraRank(budget: Budget, model: ModelConfig, candidates: readonly string[], adapterRank: number): number {
  if (budget.kind === 'loraRank') return Math.floor(budget.value);
  if (budget.kind === 'params') return Math.floor(budget.value / loraParamsPerRank(model, candidates));
  return adapterRank;
}

function budgetProblem(spec: SweepRunSpec, experiment: Experiment, model: ModelConfig, candidates: string[]): string | undefined {
  const where = `${spec.strategy} at ${spec.budget.kind} ${spec.budget.kind === 'none' ? '' : spec.budget.value}`.trim();
  if (spec.strategy === 'lora') {
    const rank = plainLoraRank(spec.budget, model, candidates, experiment.adapter.rank);
    if (rank < 1) return `${where}: plain LoRA needs rank 1 on all ${candidates.length} target modules (${loraParamsPerRank(model, candidates)} parameters); raise the budget`;
    if (spec.budget.kind === 'experts' && spec.budget.value < candidates.length) return `${where}: plain LoRA needs one expert on each of the ${candidates.length} target modules; raise the budget to at least ${candidates.length}`;
    return undefined;
  }
  const adapter = { style: experiment.adapter.style, rank: experiment.adapter.rank };
  const costing = costingFor({ budget: spec.budget, model, adapter, targets: candidates });
  const floor = Math.max(1, experiment.budget.minExperts);
  const minimum = experiment.budget.minExperts > 0 ? costing.cost(allocateUniform(candidates, floor)) : Math.min(...candidates.map((c) => costing.cost({ [c]: 1 })));
  if (minimum > costing.limit) {
    const what = experiment.budget.minExperts > 0 ? `minExperts ${experiment.budget.minExperts} on all ${candidates.length} target modules` : 'a single expert';
    return `${where}: the budget (${Math.floor(costing.limit)}) is below what ${what} costs (${minimum}); raise the budget${experiment.budget.minExperts > 0 ? ' or lower budget.minExperts' : ''}`;
  }
  return undefined;
}

/** Every run whose budget is below its strategy's minimum, before anything runs. */
export function checkSweep(specs: readonly SweepRunSpec[], experiment: Experiment, model: ModelConfig): SweepProblem[] {
  const candidates = candidateModules(experiment.adapter.targetModules, { model });
  const problems: SweepProblem[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = configurationKey(spec);
    if (seen.has(key)) continue;
    seen.add(key);
    const message = budgetProblem(spec, experiment, model, candidates);
    if (message) problems.push({ path: experiment.sweep?.budgets ? 'sweep.budgets' : 'budget', message });
  }
  return problems;
}
