import * as path from 'node:path';
import type { ExperimentFacts, ModelFacts } from '../../../src/core/experiment/facts';
import { TINY_MODEL_CONFIG, tinyModuleNames } from '../../fixtures/experiment/tinyModel';

export const DIR = '/ws';

export const TINY_MODEL_FACTS: ModelFacts = { status: 'ok', format: 'hf', config: TINY_MODEL_CONFIG, modules: tinyModuleNames() };

/** Facts for a workspace at /ws holding the tiny model and the files listed. */
export function factsWith(existing: string[], overrides: Partial<ExperimentFacts> = {}): ExperimentFacts {
  const present = new Set(existing.map((f) => path.resolve(DIR, f)));
  return {
    resolve: (relative) => path.resolve(DIR, relative),
    exists: (absolute) => present.has(absolute),
    model: TINY_MODEL_FACTS,
    ...overrides,
  };
}

export const GOOD_FILES = ['model', 'data/boolq/train.json', 'data/boolq/test.json', 'data/piqa/train.json'];
