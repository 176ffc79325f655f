// queue.json of a sweep run folder: one entry per run, every transition written atomically, so a killed process
// resumes where it stopped (finished entries are never repeated) and another process can cancel entries.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SweepRunSpec } from '../experiment/sweep';
import { writeFileAtomic } from '../runFolder/runFolder';

export const QUEUE_FILE = 'queue.json';

export type QueueStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface QueueEntry {
  spec: SweepRunSpec;
  status: QueueStatus;
  /** The derived experiment file of this run (in the sweep folder). */
  experimentFile?: string;
  trainRun?: string;
  evalRun?: string;
  error?: string;
}

export interface SweepQueue {
  version: 1;
  experiment: string;
  createdAt: string;
  probeRun?: string;
  /** Set by "cancel all": the runner stops after the phase it is in. */
  stopRequested?: boolean;
  entries: QueueEntry[];
}

export function queueFile(sweepDir: string): string {
  return path.join(sweepDir, QUEUE_FILE);
}

export function readQueue(sweepDir: string): SweepQueue {
  const file = queueFile(sweepDir);
  let parsed: SweepQueue;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as SweepQueue;
  } catch (error) {
    throw new Error(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a sweep run folder (.smoe/runs/<time>-sweep)`);
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error(`${file} is not a sweep queue (version 1 with "entries")`);
  return parsed;
}

export function writeQueue(sweepDir: string, queue: SweepQueue): void {
  writeFileAtomic(queueFile(sweepDir), JSON.stringify(queue, null, 2) + '\n');
}

export function createQueue(sweepDir: string, experiment: string, specs: readonly SweepRunSpec[]): SweepQueue {
  const queue: SweepQueue = { version: 1, experiment, createdAt: new Date().toISOString(), entries: specs.map((spec) => ({ spec, status: 'pending' })) };
  writeQueue(sweepDir, queue);
  return queue;
}

/** Re-reads the file (another process may have cancelled entries), applies `change` to one entry, writes it back. */
export function updateEntry(sweepDir: string, id: string, change: (entry: QueueEntry) => void): QueueEntry {
  const queue = readQueue(sweepDir);
  const entry = queue.entries.find((e) => e.spec.id === id);
  if (!entry) throw new Error(`${queueFile(sweepDir)} has no run "${id}"; its runs: ${queue.entries.map((e) => e.spec.id).join(', ')}`);
  change(entry);
  writeQueue(sweepDir, queue);
  return entry;
}

/** The entry to work on next: one left running by a killed process first (it resumes), then the first pending. */
export function nextEntry(queue: SweepQueue): QueueEntry | undefined {
  if (queue.stopRequested) return undefined;
  return queue.entries.find((e) => e.status === 'running') ?? queue.entries.find((e) => e.status === 'pending');
}

/**
 * "Cancel one" marks a pending or running entry cancelled (a running one stops after its current phase);
 * "cancel all" (`id` undefined) does so for every unfinished entry and asks the runner to stop.
 */
export function cancelEntries(sweepDir: string, id?: string): string[] {
  const queue = readQueue(sweepDir);
  const open = (e: QueueEntry) => e.status === 'pending' || e.status === 'running';
  const targets = id === undefined ? queue.entries.filter(open) : queue.entries.filter((e) => e.spec.id === id);
  if (id !== undefined && targets.length === 0) throw new Error(`no run "${id}" in ${queueFile(sweepDir)}; its runs: ${queue.entries.map((e) => e.spec.id).join(', ')}`);
  const cancelled = targets.filter(open);
  for (const entry of cancelled) entry.status = 'cancelled';
  if (id === undefined) queue.stopRequested = true;
  writeQueue(sweepDir, queue);
  return cancelled.map((e) => e.spec.id);
}

/** k of n: finished entries (done, failed or cancelled) out of all. */
export function queueProgress(queue: SweepQueue): { done: number; total: number; counts: Record<QueueStatus, number> } {
  const counts: Record<QueueStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const e of queue.entries) counts[e.status]++;
  return { done: counts.done + counts.failed + counts.cancelled, total: queue.entries.length, counts };
}
