import * as fs from 'node:fs';
import * as path from 'node:path';
import { allocateExperts, type Budget, type SensitivityTable } from '../algo';
import { loadExperiment } from '../experiment/load';
import type { ExpertMap } from '../experiment/types';
import { writeFileAtomic } from '../runFolder/runFolder';
import type { ModelConfig } from '../model/config';
import { EXPERIMENT_FILES, type AdaptedVariant } from './experimentFiles';

export interface VariantAllocation {
  experts: ExpertMap;
  totalExperts: number;
  trainableParams: number;
  loraRankEquivalent: number;
}

/**
 * The expert map of one variant under its experiment's budget. The vote uses the probe's table;
 * the uniform baseline deliberately does not (its leftover budget is spent in model order, not by
 * sensitivity), so it stays a sensitivity-blind baseline.
 */
export function allocateVariant(variant: AdaptedVariant, experimentFile: string, config: ModelConfig, table: SensitivityTable): VariantAllocation {
  const { adapter, allocation, budget } = loadExperiment(experimentFile).experiment;
  const { experts, summary } = allocateExperts({
    strategy: allocation.strategy,
    table: variant === 'vote' ? table : undefined,
    model: config,
    moduleTypes: adapter.targetModules,
    percentile: allocation.percentile,
    scope: allocation.scope,
    uniformExperts: allocation.uniformExperts,
    budget: (budget.kind === 'none' ? { kind: 'none' } : { kind: budget.kind, value: budget.value }) as Budget,
    minExperts: budget.minExperts,
    maxExperts: budget.maxExperts,
    adapter: { style: adapter.style, rank: adapter.rank },
  });
  return {
    experts,
    totalExperts: summary.totalExperts,
    trainableParams: summary.trainableParams ?? 0,
    loraRankEquivalent: summary.loraRankEquivalent ?? 0,
  };
}

/** Writes the map into the experiment file's `experts` (the demo owns these plain-JSON files). */
export function writeExpertMap(experimentFile: string, experts: ExpertMap): void {
  const value = JSON.parse(fs.readFileSync(experimentFile, 'utf8')) as Record<string, unknown>;
  value.experts = experts;
  writeFileAtomic(experimentFile, JSON.stringify(value, null, 2) + '\n');
}


/** All three maps at the same budget, written into their experiment files. */
export function allocateAll(workspace: string, config: ModelConfig, table: SensitivityTable): Record<AdaptedVariant, VariantAllocation> {
  const out = {} as Record<AdaptedVariant, VariantAllocation>;
  for (const variant of Object.keys(EXPERIMENT_FILES) as AdaptedVariant[]) {
    const file = path.join(workspace, EXPERIMENT_FILES[variant]);
    out[variant] = allocateVariant(variant, file, config, table);
    writeExpertMap(file, out[variant].experts);
  }
  return out;
}
