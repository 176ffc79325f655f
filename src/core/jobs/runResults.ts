// Evaluated training runs outside sweeps, as comparison inputs: each training run's newest successful evaluation, its
// configuration (recorded in run.json by the train job; the experiment file's for older runs), its seed and values.
import * as path from 'node:path';
import { configurationKey, type ConfigurationSpec } from '../experiment/sweep';
import type { RunRecord } from '../runFolder/runFolder';
import type { TrainRunConfig } from './resume';
import { evaluationOf, trainableParamsOf, type EvaluatedRun } from './sweepSummary';

export interface RunFolderRef {
  dir: string;
  record: RunRecord;
}

/** Training settings that do not change what a run learns: runs differing only in these are one configuration. */
const BOOKKEEPING = new Set(['seed', 'checkpointEvery', 'keepCheckpoints', 'recompute']);

const succeeded = (run: RunFolderRef, kind: string) => run.record.kind === kind && run.record.status === 'succeeded';

/** The training run an evaluation measured (run.json `config.adapter`), by folder or, for moved projects, by name. */
function trainRunOf(evaluation: RunFolderRef, trains: readonly RunFolderRef[]): RunFolderRef | undefined {
  const adapter = (evaluation.record.config as { adapter?: unknown } | undefined)?.adapter;
  if (typeof adapter !== 'string') return undefined;
  return trains.find((t) => path.resolve(t.dir) === path.resolve(adapter)) ?? trains.find((t) => path.basename(t.dir) === path.basename(adapter));
}

/** The recorded configuration (else `fallback`); an adapter with one expert per module is plain LoRA whatever made it. */
function specOf(config: Partial<TrainRunConfig>, fallback: ConfigurationSpec | undefined): ConfigurationSpec | undefined {
  const spec = config.allocation ?? fallback;
  if (!spec) return undefined;
  const counts = Object.values(config.adapter?.experts ?? {});
  return counts.length > 0 && counts.every((n) => n <= 1) ? { strategy: 'lora', budget: spec.budget } : spec;
}

/** "maxSteps 50, learningRate 0.01": the settings "Train with…" changed, the seed aside. */
function overridesText(record: RunRecord): string {
  return Object.entries(record.overrides ?? {}).filter(([k]) => !BOOKKEEPING.has(k)).map(([k, v]) => `${k} ${v}`).join(', ');
}

interface Candidate {
  run: EvaluatedRun;
  /** Everything that defines what was trained and how it was measured, the seed aside. */
  identity: string;
  label: string;
}

function candidateOf(evaluation: RunFolderRef, train: RunFolderRef, fallback: ConfigurationSpec | undefined): Candidate | undefined {
  const config = (train.record.config ?? {}) as Partial<TrainRunConfig>;
  const seed = config.training?.seed;
  const spec = specOf(config, fallback);
  const measured = seed === undefined || !spec ? undefined : evaluationOf(evaluation.dir, seed);
  if (seed === undefined || !spec || !measured) return undefined;
  const training = Object.fromEntries(Object.entries(config.training ?? {}).filter(([k]) => !BOOKKEEPING.has(k)));
  const evaluated = (evaluation.record.config ?? {}) as { evaluation?: unknown; limit?: unknown };
  const identity = JSON.stringify([spec, training, config.adapter, evaluated.evaluation, evaluated.limit]);
  const overrides = overridesText(train.record);
  const key = configurationKey(spec);
  return { run: { key, spec, seed, ...measured, trainableParams: trainableParamsOf(train.dir) }, identity, label: overrides ? `${key} (${overrides})` : key };
}

/** One key per identity: the label, numbered (#2, #3…) where different configurations would share it. */
function keyed(candidates: readonly Candidate[]): EvaluatedRun[] {
  const keys = new Map<string, string>();
  const taken = new Map<string, number>();
  return candidates.map((c) => {
    let key = keys.get(c.identity);
    if (key === undefined) {
      const n = (taken.get(c.label) ?? 0) + 1;
      taken.set(c.label, n);
      key = n === 1 ? c.label : `${c.label} #${n}`;
      keys.set(c.identity, key);
    }
    return { ...c.run, key };
  });
}

/**
 * The evaluated training runs among `runs` (one experiment's, newest first), oldest first: each succeeded training run
 * with a recorded seed, measured by its newest succeeded evaluation; a seed trained again counts once (the newest).
 * `fallback` is the configuration of runs that did not record theirs (the experiment file's).
 */
export function evaluatedRuns(runs: readonly RunFolderRef[], fallback?: ConfigurationSpec): EvaluatedRun[] {
  const trains = runs.filter((r) => succeeded(r, 'train'));
  const measured = new Set<string>();
  const candidates: Candidate[] = [];
  for (const evaluation of runs.filter((r) => succeeded(r, 'evaluate'))) {
    const train = trainRunOf(evaluation, trains);
    if (!train || measured.has(train.dir)) continue;
    measured.add(train.dir);
    const candidate = candidateOf(evaluation, train, fallback);
    if (candidate) candidates.push(candidate);
  }
  const seen = new Set<string>();
  const newestPerSeed = candidates.filter((c) => {
    const id = `${c.identity}\n${c.run.seed}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return keyed(newestPerSeed.reverse());
}
