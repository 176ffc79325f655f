// The one figure each run is known by (DESIGN §3.3 totals, the last loss, the average accuracy), read from its files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSensitivity, SENSITIVITY_FILE, type SensitivityTable } from '../core/algo';
import { parseFlatExpertMap, totalExperts } from '../core/experiment/expertMap';
import { suggestAllocation } from '../core/experiment/planner';
import { adapterOf, allocationChoiceOf } from '../core/experiment/settings';
import type { RunEvent } from '../core/runFolder/runFolder';
import type { EvalReport } from '../core/train/evalReport';
import { readRunJson, type RunEntry } from './runListing';
import { sweepProgress } from './sweepListing';

export interface RunFigures {
  totalExperts?: number;
  lastLoss?: number;
  lastStep?: number;
  averageAccuracy?: number;
  /** Sweeps: finished runs out of all (queue.json). */
  sweep?: { done: number; total: number };
}

const numberIn = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The run's sensitivity.json; undefined when absent or unreadable (a probe still writing it). */
function sensitivityOf(dir: string): SensitivityTable | undefined {
  const file = path.join(dir, SENSITIVITY_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return readSensitivity(file);
  } catch {
    return undefined;
  }
}

/** Experts the experiment's own strategy would give from this probe (no model: an experts budget or none). */
function probeExperts(table: SensitivityTable, experiment: unknown): number | undefined {
  const choice = allocationChoiceOf(experiment);
  const budget = choice.budget.kind === 'experts' ? choice.budget : { ...choice.budget, kind: 'none' as const };
  try {
    return totalExperts(suggestAllocation(undefined, adapterOf(experiment), { ...choice, budget }, table));
  } catch {
    return undefined;
  }
}

function expertsOf(entry: RunEntry, experiment: unknown): number | undefined {
  const fromSummary = numberIn(entry.record.summary?.totalExperts);
  if (fromSummary !== undefined) return fromSummary;
  const map = parseFlatExpertMap(readRunJson(entry.dir, 'experts.json'));
  if ('map' in map) return totalExperts(map.map);
  const table = sensitivityOf(entry.dir);
  return table ? probeExperts(table, experiment) : undefined;
}

function lastTrainStep(events: readonly RunEvent[]): { step: number; loss: number } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.event === 'metric' && e.type === 'train-step') return { step: e.step, loss: e.loss };
  }
  return undefined;
}

function averageAccuracy(entry: RunEntry, events: readonly RunEvent[]): number | undefined {
  const report = readRunJson<EvalReport>(entry.dir, 'eval.json');
  // An evaluation that measured nothing has no accuracy to show (not 0 %).
  if (report && report.average?.examples === 0) return undefined;
  const fromReport = numberIn(report?.average?.accuracy);
  if (fromReport !== undefined) return fromReport;
  const tasks = events.filter((e): e is Extract<RunEvent, { type: 'eval-task' }> => e.event === 'metric' && e.type === 'eval-task');
  return tasks.length > 0 ? tasks.reduce((a, e) => a + e.accuracy, 0) / tasks.length : undefined;
}

/** `experiment` is the experiment file's parsed value (its allocation settings turn a probe into an expert count). */
export function runFigures(entry: RunEntry, events: readonly RunEvent[], experiment: unknown): RunFigures {
  switch (entry.record.kind) {
    case 'probe':
    case 'allocate':
      return { totalExperts: expertsOf(entry, experiment) };
    case 'train': {
      const last = lastTrainStep(events);
      return { lastLoss: last?.loss ?? numberIn(entry.record.summary?.finalLoss), lastStep: last?.step };
    }
    case 'evaluate':
      return { averageAccuracy: averageAccuracy(entry, events) };
    case 'sweep':
      return { sweep: sweepProgress(entry.dir) };
    case 'export':
    case 'demo':
      return {};
    default: {
      const never: never = entry.record.kind;
      void never;
      return {};
    }
  }
}
