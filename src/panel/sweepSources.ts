// The sweeps the comparison section reads: every sweep run folder of the workspace's experiments, their results
// re-read only when queue.json changed (a snapshot is built on every training step of a running sweep).
import * as fs from 'node:fs';
import { sweepResults, type SweepResults } from '../core/jobs/sweepSummary';
import { queueFile, readQueue } from '../core/jobs/sweepQueue';
import type { RunEntry } from '../runs/runListing';
import type { ComparisonSource } from './collect/comparison';

const cache = new Map<string, { stamp: number; results: SweepResults }>();

/** A sweep's results; undefined when its queue cannot be read (a folder being written, or damaged). */
export function cachedSweepResults(dir: string): SweepResults | undefined {
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
    return results && results.configurations.length > 0 ? [{ sweepId: entry.id, experiment: experimentLabel, results }] : [];
  });
}
