// One sweep run's experiment file: the sweep's experiment with this run's allocation, seed and (plain LoRA) rank,
// written into the sweep folder with its relative paths rewritten, so it trains and evaluates like any other file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allocateExperts, allocateUniform, candidateModules, type SensitivityTable } from '../algo';
import type { LoadedExperiment } from '../experiment/load';
import { plainLoraRank, type SweepRunSpec } from '../experiment/sweep';
import type { ExpertMap } from '../experiment/types';
import type { ModelConfig } from '../model/config';
import { writeFileAtomic } from '../runFolder/runFolder';

/** The expert map and adapter rank of one run. */
export function allocateRun(spec: SweepRunSpec, loaded: LoadedExperiment, model: ModelConfig, table: SensitivityTable | undefined): { experts: ExpertMap; rank: number } {
  const { adapter, allocation, budget } = loaded.experiment;
  const candidates = candidateModules(adapter.targetModules, { model });
  if (spec.strategy === 'lora') return { experts: allocateUniform(candidates, 1), rank: plainLoraRank(spec.budget, model, candidates, adapter.rank) };
  const { experts } = allocateExperts({
    strategy: spec.strategy, table: spec.strategy === 'vote' || spec.strategy === 'proportional' ? table : undefined, model, candidates,
    percentile: spec.percentile ?? allocation.percentile, scope: allocation.scope, layerwise: allocation.layerwise, uniformExperts: allocation.uniformExperts,
    budget: spec.budget, minExperts: budget.minExperts, maxExperts: budget.maxExperts, adapter: { style: adapter.style, rank: adapter.rank },
  });
  return { experts, rank: adapter.rank };
}

type Raw = Record<string, unknown> & { model?: Record<string, unknown>; tasks?: Record<string, unknown>[]; allocation?: Record<string, unknown> };

function rebase(value: unknown, from: string, to: string): unknown {
  return typeof value === 'string' ? path.relative(to, path.resolve(from, value)) || '.' : value;
}

/** The experiment's own JSON with every relative path made relative to `dir` instead. */
function rebasedPaths(raw: Raw, from: string, dir: string): Raw {
  const out: Raw = structuredClone(raw);
  if (out.model) {
    out.model.path = rebase(out.model.path, from, dir);
    if (out.model.tokenizer !== undefined) out.model.tokenizer = rebase(out.model.tokenizer, from, dir);
  }
  for (const task of out.tasks ?? []) {
    task.train = rebase(task.train, from, dir);
    if (task.test !== undefined) task.test = rebase(task.test, from, dir);
  }
  if (out.allocation?.sensitivity !== undefined) out.allocation.sensitivity = rebase(out.allocation.sensitivity, from, dir);
  return out;
}

/** Writes `<sweepDir>/experiments/<run id>.smoe.json` and returns its path. */
export function writeRunExperiment(sweepDir: string, loaded: LoadedExperiment, raw: Raw, spec: SweepRunSpec, run: { experts: ExpertMap; rank: number }): string {
  const dir = path.join(sweepDir, 'experiments');
  fs.mkdirSync(dir, { recursive: true });
  const value = rebasedPaths(raw, loaded.dir, dir);
  delete value.sweep;
  const plain = spec.strategy === 'lora';
  const adapter = loaded.experiment.adapter;
  value.name = `${loaded.name}: ${spec.id}`;
  value.adapter = { ...(value.adapter as object), rank: run.rank, ...(plain ? { alpha: (adapter.alpha / adapter.rank) * run.rank } : {}) };
  value.budget = { ...(value.budget as object), ...(spec.budget.kind === 'none' ? { kind: 'none' } : spec.budget) };
  value.allocation = { ...(value.allocation as object), strategy: plain ? 'uniform' : spec.strategy, ...(spec.percentile === undefined ? {} : { percentile: spec.percentile }) };
  value.training = { ...(value.training as object), seed: spec.seed };
  value.experts = run.experts;
  const file = path.join(dir, `${spec.id}.smoe.json`);
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
  return file;
}
