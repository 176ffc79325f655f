// What a user does to a finished run folder besides reading it: label it, note it, delete it. The extension and the
// CLI share these, so run.json means the same to both.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRunRecord, RUN_FILE, writeFileAtomic, type RunRecord } from './runFolder';

/** Longest label kept: it is shown on one tree row. */
export const LABEL_MAX = 80;

export interface RunAnnotations {
  /** Empty or blank clears it. */
  label?: string;
  note?: string;
}

function readRaw(dir: string): Record<string, unknown> {
  const file = path.join(dir, RUN_FILE);
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the run (${error instanceof Error ? error.message : String(error)}); is this a run folder?`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: not a run record (expected a JSON object)`);
  return value as Record<string, unknown>;
}

/** Sets (or, with a blank value, removes) the run's label and note in run.json; only the fields given change. */
export function annotateRun(dir: string, annotations: RunAnnotations): RunRecord {
  const raw = readRaw(dir);
  for (const key of ['label', 'note'] as const) {
    const value = annotations[key];
    if (value === undefined) continue;
    const trimmed = value.trim();
    if (key === 'label' && trimmed.length > LABEL_MAX) throw new Error(`label: at most ${LABEL_MAX} characters (got ${trimmed.length}); put longer text in the note`);
    if (trimmed === '') delete raw[key];
    else raw[key] = key === 'label' ? trimmed.replace(/\s+/g, ' ') : value.trimEnd();
  }
  writeFileAtomic(path.join(dir, RUN_FILE), JSON.stringify(raw, null, 2) + '\n');
  return readRunRecord(dir) as RunRecord;
}

/** Removes a run folder; refuses a run whose process is still writing it, and anything that is not a run folder. */
export function deleteRun(dir: string): void {
  const record = readRunRecord(dir);
  if (!record) throw new Error(`${dir}: not a run folder (no readable ${RUN_FILE}); nothing deleted`);
  if (record.status === 'running') throw new Error(`${record.id} is still running (pid ${record.pid}); cancel it first, then delete it`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The name a run is shown by: its label, else its id. */
export function runDisplayName(record: Pick<RunRecord, 'id' | 'label'>): string {
  return record.label ?? record.id;
}
