// What a resumed training run continues with: the run's adapter and the settings that fix its data order, plus the
// training settings edited in the experiment file since that can change safely (learning rate, schedule, steps...).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoraMoeConfig } from '../model/adapters/config';
import type { ConfigurationSpec } from '../experiment/sweep';
import type { TrainingSettings } from '../experiment/types';
import { resumePoint, type Checkpoint } from '../train/checkpoint';
import { RUN_FILE } from '../runFolder/runFolder';
import { checkRunLock } from '../runFolder/runLock';

/** What run.json keeps so a resume uses the same adapter and schedule, whatever the file says now. */
export interface TrainRunConfig {
  adapter: LoraMoeConfig;
  training: TrainingSettings;
  /** The configuration the expert map came from (strategy, budget, percentile), for comparisons across runs. */
  allocation?: ConfigurationSpec;
}

/** Settings a resume takes from the file: they change the optimiser's course, not which examples come next. */
const SAFE: readonly (keyof TrainingSettings)[] = ['learningRate', 'maxSteps', 'warmupSteps', 'schedule', 'weightDecay', 'maxGradNorm', 'betas', 'eps', 'checkpointEvery', 'keepCheckpoints', 'recompute'];
/** Settings that fix the example sequence or the encoded data: a resume keeps the run's. */
const FIXED: readonly (keyof TrainingSettings)[] = ['microBatchSize', 'gradientAccumulation', 'maxLength', 'trainOnInputs', 'seed'];

export interface ResumePlan {
  config: TrainRunConfig;
  checkpoint?: Checkpoint;
  /** Lines for the log: settings taken from the file, settings kept, checkpoints passed over. */
  notes: { level: 'info' | 'warn'; message: string }[];
}

const shown = (v: unknown) => JSON.stringify(v);

/** `overridden`: settings the run was started with instead of the file's (Train with…); a resume keeps them. */
function mergeTraining(run: TrainingSettings, file: TrainingSettings, notes: ResumePlan['notes'], overridden: ReadonlySet<string>): TrainingSettings {
  const merged: TrainingSettings = { ...run };
  const taken: string[] = [];
  for (const key of SAFE) {
    if (overridden.has(key) || file[key] === undefined || shown(file[key]) === shown(run[key])) continue;
    taken.push(`${key} ${shown(run[key])} → ${shown(file[key])}`);
    (merged as unknown as Record<string, unknown>)[key] = file[key];
  }
  if (taken.length > 0) notes.push({ level: 'info', message: `resume takes from the experiment file: training.${taken.join(', training.')}` });
  for (const key of FIXED) {
    if (shown(file[key]) === shown(run[key])) continue;
    notes.push({ level: 'warn', message: `training.${key} is ${shown(file[key])} in the experiment file but ${shown(run[key])} in the run; a resume keeps ${shown(run[key])} (it fixes the data order); start a new run to use the new value` });
  }
  return merged;
}

/** Reads the run to resume; `from` picks `step-N` instead of the newest readable checkpoint. */
export function planResume(runDir: string, fileTraining: TrainingSettings, from?: string): ResumePlan {
  const runFile = path.join(runDir, RUN_FILE);
  if (!fs.existsSync(runFile)) throw new Error(`--resume ${runDir}: not a run folder (no ${RUN_FILE}); pass a folder under .smoe/runs/`);
  checkRunLock(runDir);
  let record: { kind?: string; config?: TrainRunConfig; overrides?: Record<string, number> };
  try {
    record = JSON.parse(fs.readFileSync(runFile, 'utf8')) as typeof record;
  } catch (error) {
    throw new Error(`${runFile}: cannot be read as JSON (${(error as Error).message}); the run cannot be resumed, start a new one`);
  }
  if (record.kind !== 'train' || !record.config?.adapter || !record.config.training) throw new Error(`--resume ${runDir}: not a training run`);
  if (typeof record.config.adapter.experts !== 'object' || record.config.adapter.experts === null) {
    throw new Error(`${runFile}: field "config.adapter.experts" is missing; the run cannot be resumed, start a new one`);
  }
  const notes: ResumePlan['notes'] = [];
  const training = mergeTraining(record.config.training, fileTraining, notes, new Set(Object.keys(record.overrides ?? {})));
  const point = resumePoint(runDir, from);
  for (const bad of point.unreadable) notes.push({ level: 'warn', message: `checkpoint ${path.basename(bad.dir)} is unreadable (${bad.reason}); falling back to the one before it` });
  const { adapter, allocation } = record.config;
  return { config: { adapter, training, ...(allocation ? { allocation } : {}) }, checkpoint: point.checkpoint, notes };
}
