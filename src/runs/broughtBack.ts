// Runs brought back from elsewhere (smoe.extraRunRoots: a cluster job's runs/ folder, or single run folders):
// listed like local runs; a folder with a missing or corrupt file is listed as incomplete, naming the file.
// No `vscode`: unit-tested.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENTS_FILE, readRunRecord, RUN_FILE, type RunRecord } from '../core/runFolder/runFolder';
import { readSafetensorsHeader } from '../core/model/safetensors';
import { newestFirst, type RunEntry } from './runListing';

/** The result files a finished run of each kind must hold, JSON unless named .safetensors. */
const RESULT_FILES: Record<string, string[]> = {
  train: ['adapter.safetensors', 'adapter_config.json', 'experts.json'],
  probe: ['sensitivity.json'],
  evaluate: ['eval.json'],
};

/** What is wrong with a file: missing, or unreadable as what it should be; undefined when fine. */
function fileProblem(dir: string, name: string): string | undefined {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return `${name} is missing`;
  try {
    if (name.endsWith('.safetensors')) readSafetensorsHeader(file);
    else if (name.endsWith('.json')) JSON.parse(fs.readFileSync(file, 'utf8'));
    return undefined;
  } catch {
    return `${name} is corrupt`;
  }
}

/** The first missing or corrupt file of a run folder (events.jsonl, then a finished run's results), if any. */
export function runFolderProblem(dir: string, record: RunRecord): string | undefined {
  if (!fs.existsSync(path.join(dir, EVENTS_FILE))) return `${EVENTS_FILE} is missing`;
  if (record.status !== 'succeeded') return undefined;
  for (const name of RESULT_FILES[record.kind] ?? []) {
    const problem = fileProblem(dir, name);
    if (problem) return problem;
  }
  return undefined;
}

/** A folder that looks like a run (smoe's files in it) but whose run.json cannot be read. */
function unreadableRun(dir: string): RunEntry | undefined {
  const names = fs.readdirSync(dir);
  if (![RUN_FILE, EVENTS_FILE, 'checkpoints', ...Object.values(RESULT_FILES).flat()].some((n) => names.includes(n))) return undefined;
  const id = path.basename(dir);
  const kind = /-(probe|train|evaluate|allocate)(-\d+)?$/.exec(id)?.[1] ?? 'train';
  const problem = names.includes(RUN_FILE) ? `${RUN_FILE} is corrupt` : `${RUN_FILE} is missing`;
  const record: RunRecord = {
    id, kind: kind as RunRecord['kind'], status: 'failed', startedAt: fs.statSync(dir).mtime.toISOString(), pid: 0, timings: {}, error: `incomplete: ${problem}`,
  };
  return { id, dir, record, incomplete: problem };
}

function runAt(dir: string): RunEntry | undefined {
  const record = readRunRecord(dir);
  if (!record) return unreadableRun(dir);
  const problem = runFolderProblem(dir, record);
  return { id: path.basename(dir), dir, record, ...(problem ? { incomplete: problem } : {}) };
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Runs under each root: the root itself when it is a run folder, else its sub-folders that are. Newest first. */
export function runsInRoots(roots: readonly string[]): RunEntry[] {
  const seen = new Set<string>();
  const entries: RunEntry[] = [];
  for (const root of roots) {
    if (!isDirectory(root)) continue;
    const self = runAt(root);
    const candidates = self ? [self] : fs.readdirSync(root).map((name) => path.join(root, name)).filter(isDirectory).map(runAt);
    for (const entry of candidates) {
      if (!entry || seen.has(path.resolve(entry.dir))) continue;
      seen.add(path.resolve(entry.dir));
      entries.push(entry);
    }
  }
  return entries.sort(newestFirst);
}

/** Local runs and brought-back runs together, each folder once, newest first. */
export function mergeRuns(local: readonly RunEntry[], brought: readonly RunEntry[]): RunEntry[] {
  const localDirs = new Set(local.map((e) => path.resolve(e.dir)));
  return [...local, ...brought.filter((e) => !localDirs.has(path.resolve(e.dir)))].sort(newestFirst);
}
