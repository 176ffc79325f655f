import * as fs from 'node:fs';
import { parseFlatExpertMap } from '../experiment/expertMap';
import { readRegularText } from '../data/regularFile';
import { checkExperts } from '../experiment/checks/experts';
import type { ExperimentFacts } from '../experiment/facts';
import { ExperimentError, type LoadedExperiment } from '../experiment/load';
import { accountingFor } from '../experiment/planner';
import type { ExpertMap } from '../experiment/types';
import { allModules, type ModelConfig } from '../model/config';

/**
 * The experiment's expert map: inline, or the authors' flat file that `experts` names. Without one,
 * plain LoRA (1 expert) on every target module, said in a warning so the user knows to allocate first.
 */
export function expertMapOf(loaded: LoadedExperiment, model: ModelConfig, warn: (message: string) => void): ExpertMap {
  const { experts } = loaded.experiment;
  if (experts === undefined) return plainLoraMap(loaded, model, warn);
  const map = givenMap(loaded);
  refuseMapProblems(loaded, model, map);
  return map;
}

/**
 * The editor's expert-map checks (unknown modules, counts outside budget.minExperts..maxExperts, over budget), run
 * again before a job starts: a map edited outside the editor, or with its errors ignored, must not reach training.
 */
function refuseMapProblems(loaded: LoadedExperiment, model: ModelConfig, map: ExpertMap): void {
  const modules = allModules(model).map((m) => m.name);
  const facts: ExperimentFacts = {
    resolve: loaded.resolve, exists: fs.existsSync, expertsFile: { map },
    model: { status: 'ok', format: model.modelType === 'llama2c' ? 'llama2c' : 'hf', config: model, modules },
    accounting: accountingFor({ config: model, modules }, loaded.experiment.adapter),
  };
  const errors = checkExperts(loaded.experiment, facts).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new ExperimentError(loaded.file, errors.map((p) => ({ path: p.path, message: p.message })));
}

function givenMap(loaded: LoadedExperiment): ExpertMap {
  const { experts } = loaded.experiment;
  if (typeof experts === 'object' && experts !== null) return { ...experts };
  const file = loaded.resolve(experts as string);
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularText(file));
  } catch (error) {
    throw new Error(`${loaded.file}: field "experts" ("${experts}") cannot be read as JSON (${(error as Error).message}); point it at an expert map file or write the map inline`);
  }
  const parsed = parseFlatExpertMap(raw);
  if ('error' in parsed) throw new Error(`${file}: ${parsed.error}`);
  return parsed.map;
}

function plainLoraMap(loaded: LoadedExperiment, model: ModelConfig, warn: (message: string) => void): ExpertMap {
  const { adapter } = loaded.experiment;
  warn(`${loaded.file}: no expert map (\`experts\`); training plain LoRA (1 expert) on every ${adapter.targetModules.join('/')} module. Run Allocate Experts first for LoRA-MoE.`);
  const map: ExpertMap = {};
  for (const m of allModules(model)) if (adapter.targetModules.includes(m.type)) map[m.name] = 1;
  return map;
}
