// A finished (or partly finished) sweep's comparison: per configuration mean ± 95% CI across seeds, and paired
// bootstrap differences of every vote configuration against every other configuration at the same budget.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configurationKey, type SweepRunSpec } from '../experiment/sweep';
import { ACCURACY_POINTS, compareSeeded, describeDifference, LOSS_DIFFERENCE, meanInterval, meanOf, type MeanInterval, type PairedDifference, type SeededExamples } from '../stats';
import type { EvalReport } from '../train/evalReport';
import { EVAL_FILE, readPerExample } from './evalFile';
import { readRunRecord } from '../runFolder/runFolder';
import type { SweepQueue } from './sweepQueue';

export const COMPARISON_FILE = 'comparison.json';

export interface ConfigurationResult {
  key: string;
  spec: Omit<SweepRunSpec, 'id' | 'seed'>;
  seeds: number[];
  trainableParams?: number;
  accuracy: MeanInterval;
  loss: MeanInterval;
  perTask: Record<string, { accuracy: MeanInterval; loss: MeanInterval }>;
}

export interface ConfigurationDifference {
  a: string;
  b: string;
  accuracy: PairedDifference;
  loss: PairedDifference;
  lines: string[];
}

export interface SweepComparison {
  tasks: string[];
  configurations: ConfigurationResult[];
  differences: ConfigurationDifference[];
}

interface DoneRun {
  spec: SweepRunSpec;
  report: EvalReport;
  examples: SeededExamples;
  trainableParams?: number;
}

function doneRuns(queue: SweepQueue): DoneRun[] {
  return queue.entries.flatMap((e) => {
    if (e.status !== 'done' || !e.evalRun || !fs.existsSync(path.join(e.evalRun, EVAL_FILE))) return [];
    const report = JSON.parse(fs.readFileSync(path.join(e.evalRun, EVAL_FILE), 'utf8')) as EvalReport;
    const params = e.trainRun ? readRunRecord(e.trainRun)?.summary?.trainableParams : undefined;
    return [{ spec: e.spec, report, examples: { seed: e.spec.seed, perExample: readPerExample(e.evalRun) }, trainableParams: typeof params === 'number' ? params : undefined }];
  });
}

function configuration(key: string, runs: readonly DoneRun[], tasks: readonly string[]): ConfigurationResult {
  const { strategy, budget, percentile } = runs[0].spec;
  const accuracyOf = (r: DoneRun) => r.report.average.accuracy ?? Number.NaN;
  const perTask = Object.fromEntries(tasks.map((t) => [t, {
    accuracy: meanInterval(runs.map((r) => r.report.tasks[t]?.accuracy ?? Number.NaN)),
    loss: meanInterval(runs.map((r) => r.report.tasks[t]?.loss ?? Number.NaN)),
  }]));
  return {
    key, spec: { strategy, budget, ...(percentile === undefined ? {} : { percentile }) }, seeds: runs.map((r) => r.spec.seed), trainableParams: runs[0].trainableParams,
    accuracy: meanInterval(runs.map(accuracyOf)), loss: meanInterval(runs.map((r) => meanOf(tasks.map((t) => r.report.tasks[t]?.loss ?? Number.NaN)))), perTask,
  };
}

/** Vote configurations against every other configuration with the same budget. */
function differences(groups: Map<string, DoneRun[]>, tasks: readonly string[]): ConfigurationDifference[] {
  const out: ConfigurationDifference[] = [];
  for (const [a, left] of groups) {
    if (left[0].spec.strategy !== 'vote') continue;
    for (const [b, right] of groups) {
      if (a === b || JSON.stringify(right[0].spec.budget) !== JSON.stringify(left[0].spec.budget) || right[0].spec.strategy === 'vote') continue;
      const compared = compareSeeded(left.map((r) => r.examples), right.map((r) => r.examples), tasks);
      if (!compared) continue;
      const lines = [`accuracy: ${describeDifference(a, b, compared.accuracy, ACCURACY_POINTS)}`, `held-out loss: ${describeDifference(a, b, compared.loss, LOSS_DIFFERENCE)}`];
      out.push({ a, b, ...compared, lines });
    }
  }
  return out;
}

function groupedRuns(queue: SweepQueue): { tasks: string[]; groups: Map<string, DoneRun[]> } {
  const runs = doneRuns(queue);
  const tasks = runs.length ? Object.keys(runs[0].report.tasks) : [];
  const groups = new Map<string, DoneRun[]>();
  for (const run of runs) groups.set(configurationKey(run.spec), [...(groups.get(configurationKey(run.spec)) ?? []), run]);
  return { tasks, groups };
}

export function compareSweep(queue: SweepQueue): SweepComparison {
  const { tasks, groups } = groupedRuns(queue);
  return { tasks, configurations: [...groups].map(([key, group]) => configuration(key, group, tasks)), differences: differences(groups, tasks) };
}

/** Each configuration's results and its per-seed, per-example values (for paired differences against any baseline). */
export interface SweepResults {
  tasks: string[];
  configurations: ConfigurationResult[];
  examples: Record<string, SeededExamples[]>;
}

/** The finished runs of a (possibly still running) sweep, grouped by configuration; no bootstrap is run here. */
export function sweepResults(queue: SweepQueue): SweepResults {
  const { tasks, groups } = groupedRuns(queue);
  return {
    tasks,
    configurations: [...groups].map(([key, group]) => configuration(key, group, tasks)),
    examples: Object.fromEntries([...groups].map(([key, group]) => [key, group.map((r) => r.examples)])),
  };
}
