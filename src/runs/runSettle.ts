// What the extension writes into a run folder when the worker that owned it is gone without saying how it ended.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILE, writeFileAtomic, type RunRecord, type RunStatus } from '../core/runFolder/runFolder';

/** A user-facing reason for a worker exit that came without a `done`/`failed` message. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, lastError?: string): string {
  const how = signal ? `was killed (${signal})` : `exited with code ${code ?? 'unknown'}`;
  return lastError ? `the background worker ${how}: ${lastError}` : `the background worker ${how}`;
}

/**
 * Marks a run that is still `running` as `status` with `reason` (only when `pid`, if given, is the writer recorded
 * in run.json: another process may have reopened the run). Returns whether run.json was changed.
 */
export function settleRunFolder(dir: string, status: Exclude<RunStatus, 'running' | 'succeeded'>, reason: string, pid?: number): boolean {
  const file = path.join(dir, RUN_FILE);
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  } catch {
    return false;
  }
  if (record.status !== 'running' || (pid !== undefined && record.pid !== pid)) return false;
  const settled: RunRecord = { ...record, status, error: reason, finishedAt: new Date().toISOString() };
  writeFileAtomic(file, JSON.stringify(settled, null, 2) + '\n');
  return true;
}
