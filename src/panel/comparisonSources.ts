// What the comparison section reads from one experiment's runs: each sweep run folder, and the evaluated training runs
// outside sweeps. Results are re-read only when queue.json or the runs changed (a snapshot is built on every training
// step of a running job).
import * as fs from 'node:fs';
import { experimentFromValue } from '../core/experiment/load';
import { configurationOf, type ConfigurationSpec } from '../core/experiment/sweep';
import { evaluatedRuns } from '../core/jobs/runResults';
import { configurationResults, sweepResults, type ConfigurationResults } from '../core/jobs/sweepSummary';
import { queueFile, readQueue } from '../core/jobs/sweepQueue';
import type { RunEntry } from '../runs/runListing';
import type { ComparisonSource } from './collect/comparison';

const cache = new Map<string, { stamp: number; results: ConfigurationResults }>();
const runsCache = new Map<string, { stamp: string; results: ConfigurationResults }>();

/** A sweep's results; undefined when its queue cannot be read (a folder being written, or damaged). */
export function cachedSweepResults(dir: string): ConfigurationResults | undefined {
  let stamp: number;
  try {
    stamp = fs.statSync(queueFile(dir)).mtimeMs;
  } catch {
    return undefined;
  }
  const known = cache.get(dir);
  if (known?.stamp === stamp) return known.results;
  try {
    const results = sweepResults(readQueue(dir));
    cache.set(dir, { stamp, results });
    return results;
  } catch {
    return undefined;
  }
}

/** The sweeps among `runs` of one experiment that have at least one finished configuration, oldest first. */
export function sweepSourcesOf(runs: readonly RunEntry[], experimentLabel: string): ComparisonSource[] {
  return runs.filter((r) => r.record.kind === 'sweep').reverse().flatMap((entry) => {
    const results = cachedSweepResults(entry.dir);
    return results && results.configurations.length > 0 ? [{ id: entry.id, sweep: entry.id, experiment: experimentLabel, results }] : [];
  });
}

/** The configuration of the file's runs that did not record theirs; undefined when the file does not load. */
function fileConfiguration(file: string, value: unknown): ConfigurationSpec | undefined {
  try {
    return configurationOf(experimentFromValue(value, file));
  } catch {
    return undefined;
  }
}

/** The experiment's evaluated training runs outside sweeps (runs of `file`, newest first), grouped by configuration. */
export function runSourceOf(runs: readonly RunEntry[], file: string, experimentLabel: string, experimentValue: unknown): ComparisonSource[] {
  const fallback = fileConfiguration(file, experimentValue);
  const stamp = JSON.stringify([fallback, runs.filter((r) => r.record.kind === 'train' || r.record.kind === 'evaluate').map((r) => [r.dir, r.record.status, r.record.finishedAt])]);
  let known = runsCache.get(file);
  if (known?.stamp !== stamp) {
    known = { stamp, results: configurationResults(evaluatedRuns(runs, fallback)) };
    runsCache.set(file, known);
  }
  return known.results.configurations.length > 0 ? [{ id: experimentLabel, experiment: experimentLabel, results: known.results }] : [];
}
