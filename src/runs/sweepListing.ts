// Reading sweep run folders for the tree and the notifications: k of n from queue.json, the member runs of each
// entry, and whether an experiment file is one a sweep wrote for one of its runs. No `vscode`: unit-tested.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { queueProgress, readQueue, type QueueEntry } from '../core/jobs/sweepQueue';
import { readRunRecord } from '../core/runFolder/runFolder';
import type { RunEntry } from './runListing';

/** Finished (done, failed or cancelled) out of all runs; undefined while queue.json is absent or torn. */
export function sweepProgress(sweepDir: string): { done: number; total: number } | undefined {
  try {
    const { done, total } = queueProgress(readQueue(sweepDir));
    return { done, total };
  } catch {
    return undefined;
  }
}

/** The queue's entries in order; empty when queue.json cannot be read. */
export function sweepEntries(sweepDir: string): QueueEntry[] {
  try {
    return readQueue(sweepDir).entries;
  } catch {
    return [];
  }
}

/** The training and evaluation run folders of one entry that exist on disk. */
export function memberRuns(entry: QueueEntry): RunEntry[] {
  return [entry.trainRun, entry.evalRun].flatMap((dir) => {
    const record = dir ? readRunRecord(dir) : undefined;
    return dir && record ? [{ id: path.basename(dir), dir, record }] : [];
  });
}

/** `<sweep run folder>/experiments/<run>.smoe.json`: written by a sweep for one run, not an experiment of the user's. */
export function isSweepRunExperiment(file: string): boolean {
  const folder = path.dirname(file);
  if (path.basename(folder) !== 'experiments') return false;
  const sweepDir = path.dirname(folder);
  return fs.existsSync(path.join(sweepDir, 'queue.json')) && readRunRecord(sweepDir)?.kind === 'sweep';
}
