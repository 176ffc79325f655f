import { MODULE_TYPES, parseModuleName } from '../model/config';
import { isObject } from './lenient';
import type { ExpertMap } from './types';

/** Layer-major, then q,k,v,o,gate,up,down; names that are not module names go last, alphabetically. */
export function compareModuleNames(a: string, b: string): number {
  const pa = parseModuleName(a);
  const pb = parseModuleName(b);
  if (pa && pb) return pa.layer - pb.layer || MODULE_TYPES.indexOf(pa.type) - MODULE_TYPES.indexOf(pb.type);
  if (pa || pb) return pa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The map as written into an experiment file: modules in model order, zero-expert modules left out. */
export function orderedExpertMap(map: ExpertMap): ExpertMap {
  const out: ExpertMap = {};
  for (const name of Object.keys(map).sort(compareModuleNames)) if (map[name] > 0) out[name] = map[name];
  return out;
}

/**
 * The authors' flat format: `{"model.layers.0.self_attn.q_proj": 3, ...}`, most experts first (ties in model
 * order), 4-space indent, no `.weight` suffix, zero-expert modules omitted — as their shipped expert-num.json.
 */
export function flatExpertMapText(map: ExpertMap): string {
  const names = Object.keys(map)
    .filter((name) => map[name] > 0)
    .sort((a, b) => map[b] - map[a] || compareModuleNames(a, b));
  const ordered: ExpertMap = {};
  for (const name of names) ordered[name.replace(/\.weight$/, '')] = map[name];
  return JSON.stringify(ordered, null, 4) + '\n';
}

/** Whether a parsed JSON value is a flat expert map: a non-empty object of module names → non-negative integers. */
export function isFlatExpertMap(value: unknown): value is ExpertMap {
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([name, count]) => parseModuleName(name) !== undefined && Number.isInteger(count) && (count as number) >= 0);
}

/** Reads a flat map's text; the error names what is wrong so the caller can say which file and how to fix it. */
export function parseFlatExpertMap(value: unknown): { map: ExpertMap } | { error: string } {
  if (!isObject(value)) return { error: 'is not a JSON object of module name → expert count' };
  const map: ExpertMap = {};
  for (const [name, count] of Object.entries(value)) {
    if (!Number.isInteger(count) || (count as number) < 0) return { error: `"${name}" has ${JSON.stringify(count)} experts (a non-negative integer is needed)` };
    map[name.replace(/\.weight$/, '')] = count as number;
  }
  return { map };
}

export function totalExperts(map: ExpertMap): number {
  return Object.values(map).reduce((sum, n) => sum + Math.max(0, n), 0);
}
