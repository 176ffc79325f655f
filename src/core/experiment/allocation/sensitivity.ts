import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PlanError, type SensitivityTable } from './types';

/** numpy.percentile with linear interpolation (the authors' thresholds): q in [0, 100]. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = ((sorted.length - 1) * q) / 100;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Σ over tasks of S_t(W) / Σ_candidates S_t: one score per candidate, comparable across tasks of any scale. */
export function summedNormalisedScores(table: SensitivityTable, candidates: readonly string[]): Map<string, number> {
  const scores = new Map<string, number>(candidates.map((name) => [name, 0]));
  for (const values of Object.values(table.tasks)) {
    const total = candidates.reduce((sum, name) => sum + (values[name] ?? 0), 0);
    if (total <= 0) continue;
    for (const name of candidates) scores.set(name, scores.get(name)! + (values[name] ?? 0) / total);
  }
  return scores;
}

function stripWeight(values: Record<string, unknown>, where: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new PlanError(`${where}: "${name}" is not a number`);
    out[name.replace(/\.weight$/, '')] = value;
  }
  return out;
}

async function readJsonFile(file: string): Promise<SensitivityTable> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new PlanError(`${file} is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const tasks = (parsed as { tasks?: unknown })?.tasks;
  if (!tasks || typeof tasks !== 'object') throw new PlanError(`${file} has no "tasks" object (expected {"tasks": {"<task>": {"<module>": S}}})`);
  const out: SensitivityTable = { tasks: {} };
  for (const [task, values] of Object.entries(tasks as Record<string, Record<string, unknown>>)) out.tasks[task] = stripWeight(values, `${file} tasks.${task}`);
  return out;
}

async function readJsonlFolder(dir: string, files: string[]): Promise<SensitivityTable> {
  const out: SensitivityTable = { tasks: {} };
  for (const file of files) {
    const values: Record<string, unknown> = {};
    const lines = (await fs.readFile(path.join(dir, file), 'utf8')).split('\n').filter((l) => l.trim() !== '');
    lines.forEach((line, i) => {
      try {
        Object.assign(values, JSON.parse(line));
      } catch {
        throw new PlanError(`${path.join(dir, file)} line ${i + 1} is not JSON`);
      }
    });
    out.tasks[file.replace(/\.jsonl$/, '')] = stripWeight(values, path.join(dir, file));
  }
  return out;
}

/** A sensitivity.json, a run folder holding one, or a folder of the authors' per-task JSONL files. */
export async function readSensitivityTable(location: string): Promise<SensitivityTable> {
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw new PlanError(`${location} does not exist`);
  if (!stat.isDirectory()) return readJsonFile(location);
  const entries = await fs.readdir(location);
  if (entries.includes('sensitivity.json')) return readJsonFile(path.join(location, 'sensitivity.json'));
  const jsonl = entries.filter((e) => e.endsWith('.jsonl')).sort();
  if (jsonl.length === 0) throw new PlanError(`${location} holds neither sensitivity.json nor per-task *.jsonl files`);
  return readJsonlFolder(location, jsonl);
}
