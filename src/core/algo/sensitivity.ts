// sensitivity.json and the authors' per-task JSONL files (DESIGN.md §3.2), and scores derived from a table.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareModuleNames, stripWeight } from './modules';
import { AllocationError, type SensitivityTable } from './types';
import { writeFileAtomic } from '../data/atomicFile';
import { FileAccessError, readRegularText } from '../data/regularFile';

export const SENSITIVITY_FILE = 'sensitivity.json';

function moduleValues(values: unknown, where: string): Record<string, number> {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new AllocationError(`${where} is not an object of module → sensitivity`);
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new AllocationError(`${where}: "${name}" is ${JSON.stringify(value)}, not a finite number; probe again (a NaN loss means the model or data is broken)`);
    if (value < 0) throw new AllocationError(`${where}: "${name}" is ${value}; a sensitivity is a sum of squared gradient norms and cannot be negative`);
    out[stripWeight(name)] = value;
  }
  return out;
}

/** Parses our sensitivity.json: `{"tasks": {"<task>": {"<module>": S}}, "meta": {...}}` (`.weight` suffixes dropped). */
export function parseSensitivityJson(text: string, file: string): SensitivityTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AllocationError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const { tasks, meta } = (parsed ?? {}) as { tasks?: unknown; meta?: unknown };
  if (typeof tasks !== 'object' || tasks === null || Array.isArray(tasks)) {
    throw new AllocationError(`${file} has no "tasks" object (expected {"tasks": {"<task>": {"<module>": S}}})`);
  }
  const table: SensitivityTable = { tasks: {} };
  for (const [task, values] of Object.entries(tasks)) table.tasks[task] = moduleValues(values, `${file} tasks.${task}`);
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) table.meta = meta as Record<string, unknown>;
  return table;
}

/** Parses one of the authors' per-task files: one `{"<module>.weight": S}` object per line. */
export function parseSensitivityJsonl(text: string, file: string): Record<string, number> {
  const values: Record<string, number> = {};
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new AllocationError(`${file} line ${i + 1} is not JSON (${(error as Error).message})`);
    }
    Object.assign(values, moduleValues(parsed, `${file} line ${i + 1}`));
  });
  return values;
}

function readText(file: string): string {
  try {
    return readRegularText(file);
  } catch (error) {
    throw new AllocationError(error instanceof FileAccessError ? error.message : `${file} cannot be read (${String(error)})`);
  }
}

/**
 * Reads a sensitivity table from a sensitivity.json, a run folder holding one, or a folder of the authors'
 * per-task JSONL files (the task is the file name without `.jsonl`; tasks in file-name order).
 */
export function readSensitivity(location: string): SensitivityTable {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    throw new AllocationError(`${location} does not exist; give a sensitivity.json, a probe run folder or a folder of per-task .jsonl files`);
  }
  if (!stat.isDirectory()) return parseSensitivityJson(readText(location), location);
  const entries = fs.readdirSync(location);
  if (entries.includes(SENSITIVITY_FILE)) return readSensitivity(path.join(location, SENSITIVITY_FILE));
  const files = entries.filter((e) => e.endsWith('.jsonl')).sort();
  if (files.length === 0) throw new AllocationError(`${location} holds neither ${SENSITIVITY_FILE} nor per-task *.jsonl files`);
  const table: SensitivityTable = { tasks: {} };
  for (const file of files) table.tasks[file.slice(0, -'.jsonl'.length)] = parseSensitivityJsonl(readText(path.join(location, file)), path.join(location, file));
  return table;
}

/** The text of a sensitivity.json: tasks in the given order, modules in model order, 2-space indent. */
export function sensitivityText(table: SensitivityTable): string {
  const tasks: SensitivityTable['tasks'] = {};
  for (const [task, values] of Object.entries(table.tasks)) {
    tasks[task] = Object.fromEntries(Object.keys(values).sort(compareModuleNames).map((name) => [stripWeight(name), values[name]]));
  }
  return `${JSON.stringify(table.meta ? { tasks, meta: table.meta } : { tasks }, null, 2)}\n`;
}

/** Writes a sensitivity.json atomically and durably; a NaN, infinite or negative value never reaches the file. */
export function writeSensitivity(file: string, table: SensitivityTable): void {
  for (const [task, values] of Object.entries(table.tasks)) {
    const bad = Object.entries(values).find(([, v]) => !Number.isFinite(v) || v < 0);
    if (bad) {
      throw new AllocationError(`${file} not written: task "${task}" gave ${bad[1]} for ${bad[0]} (the loss or a gradient was not finite); check that task's data and the model weights, then probe again`);
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, sensitivityText(table));
}

/** Σ over tasks of S_t(W) / Σ_candidates S_t: one score per candidate, comparable across tasks of any scale. */
export function summedNormalisedScores(table: SensitivityTable, candidates: readonly string[]): Map<string, number> {
  const scores = new Map<string, number>(candidates.map((name) => [name, 0]));
  for (const values of Object.values(table.tasks)) {
    const total = candidates.reduce((sum, name) => sum + (values[name] ?? 0), 0);
    if (!(total > 0)) continue;
    for (const name of candidates) scores.set(name, scores.get(name)! + (values[name] ?? 0) / total);
  }
  return scores;
}

/** Candidates from most to least sensitive (summed normalised score; ties in model order). */
export function rankBySensitivity(table: SensitivityTable, candidates: readonly string[]): string[] {
  const scores = summedNormalisedScores(table, candidates);
  return [...candidates].sort((a, b) => scores.get(b)! - scores.get(a)! || compareModuleNames(a, b));
}
