// A sweep's plan: its runs expanded and checked before anything runs. Apart from the jobs (no engine, no
// onnxruntime), so the extension host can check a sweep before it hands it to the worker.
import { loadExperiment, type LoadedExperiment } from '../experiment/load';
import { checkSweep, expandSweep, type SweepProblem, type SweepRunSpec } from '../experiment/sweep';
import type { ModelConfig } from '../model/config';
import { readArchitecture } from '../model/load';

/** The sweep cannot start as written: every problem names the experiment file's field. */
export class SweepPlanError extends Error {
  constructor(readonly file: string, readonly problems: SweepProblem[]) {
    super(`${file}: the sweep cannot start:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'SweepPlanError';
  }
}

export interface SweepPlan {
  loaded: LoadedExperiment;
  model: ModelConfig;
  specs: SweepRunSpec[];
  maxRuns: number;
}

/** Expands and checks the sweep (model shapes from headers only); throws SweepPlanError before anything runs. */
export function planSweep(experimentFile: string): SweepPlan {
  const loaded = loadExperiment(experimentFile);
  const { model: source } = loaded.experiment;
  const model = readArchitecture(loaded.resolve(source.path), source.format);
  const specs = expandSweep(loaded.experiment);
  const problems = checkSweep(specs, loaded.experiment, model);
  if (problems.length > 0) throw new SweepPlanError(loaded.file, problems);
  return { loaded, model, specs, maxRuns: loaded.experiment.sweep?.maxRuns ?? 12 };
}
