import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRunRecord, RUN_FILE } from '../runFolder/runFolder';

export const SENSITIVITY_FILE = 'sensitivity.json';

/** Where an experiment's sensitivity comes from: the file's own `allocation.sensitivity`, or a probe run. */
export interface SensitivitySource {
  /** A sensitivity.json, a run folder or a folder of the authors' per-task JSONL files. */
  location: string;
  origin: 'allocation.sensitivity' | 'probe run';
  /** Run folder id when it came from a probe run. */
  runId?: string;
}

/**
 * The newest succeeded probe run under `runsRoot` that left a sensitivity.json, for this experiment (runs that name
 * another experiment file are skipped; a shared runs folder may hold several experiments' runs).
 */
export function newestProbeRun(runsRoot: string, experimentFile: string): SensitivitySource | undefined {
  let ids: string[];
  try {
    ids = fs.readdirSync(runsRoot);
  } catch {
    return undefined;
  }
  const candidates = ids
    .map((id) => ({ id, dir: path.join(runsRoot, id), record: readRunRecord(path.join(runsRoot, id)) }))
    .filter(({ dir, record }) => record?.kind === 'probe' && record.status === 'succeeded' && fs.existsSync(path.join(dir, SENSITIVITY_FILE)))
    .filter(({ record }) => !record?.experiment || path.resolve(record.experiment) === path.resolve(experimentFile))
    .sort((a, b) => (a.record!.finishedAt ?? a.record!.startedAt).localeCompare(b.record!.finishedAt ?? b.record!.startedAt) || a.id.localeCompare(b.id));
  const newest = candidates.at(-1);
  return newest ? { location: path.join(newest.dir, SENSITIVITY_FILE), origin: 'probe run', runId: newest.id } : undefined;
}

function stampOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    // The inode too: run.json is replaced by a rename, which may keep mtime and size.
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return '-';
  }
}

/**
 * The probe runs under a runs folder, as names and file stamps (run.json, sensitivity.json): it changes whenever a
 * probe run appears, finishes or is removed, so an analysis that records it when it picks its probe run can tell
 * later whether that pick is stale. A readdir and two stats per probe run.
 */
export function probeRunsSignature(runsRoot: string): string {
  let ids: string[];
  try {
    ids = fs.readdirSync(runsRoot).filter((id) => id.includes('-probe'));
  } catch {
    return '';
  }
  return ids
    .sort()
    .map((id) => `${id}=${stampOf(path.join(runsRoot, id, RUN_FILE))}/${stampOf(path.join(runsRoot, id, SENSITIVITY_FILE))}`)
    .join(';');
}

/** `allocation.sensitivity` when set (resolved against the file's folder), else the newest probe run. */
export function sensitivitySourceFor(raw: unknown, experimentFile: string, runsRoot: string): SensitivitySource | undefined {
  const allocation = (raw as { allocation?: { sensitivity?: unknown } } | undefined)?.allocation;
  if (typeof allocation?.sensitivity === 'string' && allocation.sensitivity !== '') {
    return { location: path.resolve(path.dirname(experimentFile), allocation.sensitivity), origin: 'allocation.sensitivity' };
  }
  return newestProbeRun(runsRoot, experimentFile);
}
