// A finished (or partly finished) sweep's comparison: per configuration mean ± 95% CI across seeds, and paired
// bootstrap differences of every vote configuration against every other configuration at the same budget. The
// grouping by configuration is shared with evaluated runs outside sweeps (runResults.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configurationKey, type ConfigurationSpec } from '../experiment/sweep';
import { ACCURACY_POINTS, compareSeeded, describeDifference, LOSS_DIFFERENCE, meanInterval, meanOf, type MeanInterval, type PairedDifference, type SeededExamples } from '../stats';
import type { EvalReport } from '../train/evalReport';
import { EVAL_FILE, readPerExample } from './evalFile';
import { readRunRecord } from '../runFolder/runFolder';
import type { SweepQueue } from './sweepQueue';

export type { ConfigurationSpec };

export const COMPARISON_FILE = 'comparison.json';

export interface ConfigurationResult {
  key: string;
  spec: ConfigurationSpec;
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

/** One evaluated training run: its configuration (runs with the same key differ only by seed) and its evaluation. */
export interface EvaluatedRun {
  key: string;
  spec: ConfigurationSpec;
  seed: number;
  report: EvalReport;
  examples: SeededExamples;
  trainableParams?: number;
}

/** The training run's trainable parameters (its run.json summary). */
export function trainableParamsOf(trainRun: string | undefined): number | undefined {
  const params = trainRun ? readRunRecord(trainRun)?.summary?.trainableParams : undefined;
  return typeof params === 'number' ? params : undefined;
}

/** An evaluation run's report and per-example values; undefined without a readable eval.json. */
export function evaluationOf(evalRun: string, seed: number): Pick<EvaluatedRun, 'report' | 'examples'> | undefined {
  try {
    const report = JSON.parse(fs.readFileSync(path.join(evalRun, EVAL_FILE), 'utf8')) as EvalReport;
    return { report, examples: { seed, perExample: readPerExample(evalRun) } };
  } catch {
    return undefined;
  }
}

function doneRuns(queue: SweepQueue): EvaluatedRun[] {
  return queue.entries.flatMap((e) => {
    const evaluation = e.status === 'done' && e.evalRun ? evaluationOf(e.evalRun, e.spec.seed) : undefined;
    if (!evaluation) return [];
    const { strategy, budget, percentile } = e.spec;
    const spec = { strategy, budget, ...(percentile === undefined ? {} : { percentile }) };
    return [{ key: configurationKey(spec), spec, seed: e.spec.seed, ...evaluation, trainableParams: trainableParamsOf(e.trainRun) }];
  });
}

function configuration(key: string, runs: readonly EvaluatedRun[], tasks: readonly string[]): ConfigurationResult {
  const { strategy, budget, percentile } = runs[0].spec;
  const accuracyOf = (r: EvaluatedRun) => r.report.average.accuracy ?? Number.NaN;
  const perTask = Object.fromEntries(tasks.map((t) => [t, {
    accuracy: meanInterval(runs.map((r) => r.report.tasks[t]?.accuracy ?? Number.NaN)),
    loss: meanInterval(runs.map((r) => r.report.tasks[t]?.loss ?? Number.NaN)),
  }]));
  return {
    key, spec: { strategy, budget, ...(percentile === undefined ? {} : { percentile }) }, seeds: runs.map((r) => r.seed), trainableParams: runs[0].trainableParams,
    accuracy: meanInterval(runs.map(accuracyOf)), loss: meanInterval(runs.map((r) => meanOf(tasks.map((t) => r.report.tasks[t]?.loss ?? Number.NaN)))), perTask,
  };
}

/** Vote configurations against every other configuration with the same budget. */
function differences(groups: Map<string, EvaluatedRun[]>, tasks: readonly string[]): ConfigurationDifference[] {
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

function groupedRuns(runs: readonly EvaluatedRun[]): { tasks: string[]; groups: Map<string, EvaluatedRun[]> } {
  const tasks = runs.length ? Object.keys(runs[0].report.tasks) : [];
  const groups = new Map<string, EvaluatedRun[]>();
  for (const run of runs) groups.set(run.key, [...(groups.get(run.key) ?? []), run]);
  return { tasks, groups };
}

export function compareSweep(queue: SweepQueue): SweepComparison {
  const { tasks, groups } = groupedRuns(doneRuns(queue));
  return { tasks, configurations: [...groups].map(([key, group]) => configuration(key, group, tasks)), differences: differences(groups, tasks) };
}

/** Each configuration's results and its per-seed, per-example values (for paired differences against any baseline). */
export interface ConfigurationResults {
  tasks: string[];
  configurations: ConfigurationResult[];
  examples: Record<string, SeededExamples[]>;
}

/** Evaluated runs grouped by configuration, in the order their first run comes; no bootstrap is run here. */
export function configurationResults(runs: readonly EvaluatedRun[]): ConfigurationResults {
  const { tasks, groups } = groupedRuns(runs);
  return {
    tasks,
    configurations: [...groups].map(([key, group]) => configuration(key, group, tasks)),
    examples: Object.fromEntries([...groups].map(([key, group]) => [key, group.map((r) => r.examples)])),
  };
}

/** The finished runs of a (possibly still running) sweep, grouped by configuration. */
export function sweepResults(queue: SweepQueue): ConfigurationResults {
  return configurationResults(doneRuns(queue));
}
