// Reading runs folders (DESIGN §5) written by the extension's worker or by the CLI. No `vscode`: unit-tested.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENTS_FILE, readRunRecord, RUN_FILE, type RunRecord } from '../core/runFolder/runFolder';

export interface RunEntry {
  id: string;
  dir: string;
  record: RunRecord;
  /** A brought-back run with a missing or corrupt file: what is wrong, naming the file. */
  incomplete?: string;
}

export interface ArtifactEntry {
  name: string;
  path: string;
  directory: boolean;
}

/** Every run folder under `runsRoot` with a readable run.json, newest first. */
export function listRuns(runsRoot: string): RunEntry[] {
  let ids: string[];
  try {
    ids = fs.readdirSync(runsRoot);
  } catch {
    return [];
  }
  const entries: RunEntry[] = [];
  for (const id of ids) {
    const dir = path.join(runsRoot, id);
    const record = readRunRecord(dir);
    if (record) entries.push({ id, dir, record });
  }
  return entries.sort(newestFirst);
}

export function newestFirst(a: RunEntry, b: RunEntry): number {
  return b.record.startedAt.localeCompare(a.record.startedAt) || b.id.localeCompare(a.id);
}

/**
 * Runs of one experiment: those naming it, those naming none (written by older tools) in its runs folder, and
 * those naming a file of the same name that no longer exists (the project was moved or copied with its runs).
 */
export function runsOfExperiment(entries: readonly RunEntry[], experimentFile: string): RunEntry[] {
  const target = path.resolve(experimentFile);
  return entries.filter((e) => {
    const recorded = e.record.experiment;
    if (!recorded || path.resolve(recorded) === target) return true;
    return path.basename(recorded) === path.basename(target) && !fs.existsSync(recorded);
  });
}

const BOOKKEEPING = new Set([RUN_FILE, EVENTS_FILE]);

/** The outputs in a run folder (result files first, run.json and events.jsonl last); temp files are skipped. */
export function listArtifacts(dir: string): ArtifactEntry[] {
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return names
    .filter((d) => !d.name.endsWith('.tmp'))
    .map((d) => ({ name: d.name, path: path.join(dir, d.name), directory: d.isDirectory() }))
    .sort((a, b) => Number(BOOKKEEPING.has(a.name)) - Number(BOOKKEEPING.has(b.name)) || Number(a.directory) - Number(b.directory) || a.name.localeCompare(b.name));
}

/** Reads a JSON file in a run folder; undefined when absent or torn. */
export function readRunJson<T>(dir: string, name: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Clicking a run opens its main result; run.json until it has one. */
const PRIMARY_FILE: Record<string, string> = { probe: 'sensitivity.json', allocate: 'experts.json', evaluate: 'eval.json', train: 'adapter_config.json' };

export function primaryFileOf(dir: string, kind: string): string {
  const primary = PRIMARY_FILE[kind];
  return path.join(dir, primary && listArtifacts(dir).some((a) => a.name === primary) ? primary : RUN_FILE);
}
