import * as path from 'node:path';
import { applyDefaults } from './load';
import { schemaAt } from './schema';
import type { SectionKey } from './checks';

/** Placeholders for the required sections (they have no defaults: the user must say which model and data). */
const REQUIRED_PLACEHOLDERS = {
  model: { path: 'model', format: 'auto' },
  tasks: [{ name: 'task1', train: 'data/task1/train.json', test: 'data/task1/test.json' }],
};

/** A section's value with every schema default filled in (`budget` → `{kind: "none", minExperts: 0, maxExperts: 8}`). */
export function sectionDefaults(key: SectionKey): unknown {
  if (key === 'model' || key === 'tasks') return structuredClone(REQUIRED_PLACEHOLDERS[key]);
  return applyDefaults(schemaAt([key])!, {});
}

export interface NewTask {
  name: string;
  train: string;
  test?: string;
}

/** A complete experiment: the chosen model and tasks plus every optional section at its defaults. */
export function newExperimentValue(options: { name: string; modelPath: string; tasks: NewTask[] }): Record<string, unknown> {
  return {
    name: options.name,
    model: { path: options.modelPath, format: 'auto' },
    tasks: options.tasks.map((t) => (t.test ? { name: t.name, train: t.train, test: t.test } : { name: t.name, train: t.train })),
    adapter: sectionDefaults('adapter'),
    budget: sectionDefaults('budget'),
    probe: sectionDefaults('probe'),
    allocation: sectionDefaults('allocation'),
    training: sectionDefaults('training'),
    evaluation: sectionDefaults('evaluation'),
  };
}

export function newExperimentText(options: { name: string; modelPath: string; tasks: NewTask[] }): string {
  return JSON.stringify(newExperimentValue(options), null, 2) + '\n';
}

/** `data/boolq/train.json` → `boolq`; `boolq_train.jsonl` → `boolq`; made unique against `taken`. */
export function taskNameFromFile(file: string, taken: ReadonlySet<string>): string {
  const base = path.basename(file).replace(/\.(jsonl?|json)$/i, '');
  const generic = /^(train|training|test|dev|valid|validation|data)$/i.test(base);
  const raw = generic ? path.basename(path.dirname(file)) : base.replace(/[-_.]?(train|training)$/i, '');
  const cleaned = raw.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'task';
  let name = cleaned;
  for (let i = 2; taken.has(name); i++) name = `${cleaned}_${i}`;
  return name;
}

/** The test file that pairs with a train file by convention (`train.json` → `test.json`), if any. */
export function testFileCandidates(trainFile: string): string[] {
  const dir = path.dirname(trainFile);
  const base = path.basename(trainFile);
  const swapped = base.replace(/train/i, 'test');
  return swapped === base ? [] : [path.join(dir, swapped)];
}
