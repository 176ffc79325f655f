import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadExperiment } from '../experiment/load';
import { summarize, suggestAllocation, type PlanModel, type SensitivityTable } from '../experiment/planner';
import type { ExpertMap } from '../experiment/types';
import { writeFileAtomic } from '../jobs/runFolder';
import { allModules, type ModelConfig } from '../model/config';
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
  const { experiment } = loadExperiment(experimentFile);
  const model: PlanModel = { config, modules: allModules(config).map((m) => m.name) };
  const choice = { ...experiment.allocation, budget: experiment.budget };
  const experts = suggestAllocation(model, experiment.adapter, choice, variant === 'vote' ? table : undefined);
  const summary = summarize(model, experiment.adapter, experts);
  return {
    experts,
    totalExperts: summary.totalExperts,
    trainableParams: summary.trainableParameters ?? 0,
    loraRankEquivalent: summary.loraRankEquivalent ?? 0,
  };
}

/** Writes the map into the experiment file's `experts` (the demo owns these plain-JSON files). */
export function writeExpertMap(experimentFile: string, experts: ExpertMap): void {
  const value = JSON.parse(fs.readFileSync(experimentFile, 'utf8')) as Record<string, unknown>;
  value.experts = experts;
  writeFileAtomic(experimentFile, JSON.stringify(value, null, 2) + '\n');
}

export function readSensitivity(file: string): SensitivityTable {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { tasks?: Record<string, Record<string, number>> };
  if (!parsed.tasks) throw new Error(`${file}: no "tasks" object; the probe did not finish writing it`);
  const tasks: SensitivityTable['tasks'] = {};
  for (const [task, values] of Object.entries(parsed.tasks)) {
    tasks[task] = Object.fromEntries(Object.entries(values).map(([name, s]) => [name.replace(/\.weight$/, ''), s]));
  }
  return { tasks };
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
