// The authors' flat expert-map file format (their shipped expert-num.json), read and written by adapter files.
import { compareModuleNames } from '../config';
import type { ExpertMap } from './config';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `{"model.layers.0.self_attn.q_proj": 3, ...}`, most experts first (ties in model order), 4-space indent, no
 * `.weight` suffix, zero-expert modules omitted.
 */
export function flatExpertMapText(map: ExpertMap): string {
  const names = Object.keys(map)
    .filter((name) => map[name] > 0)
    .sort((a, b) => map[b] - map[a] || compareModuleNames(a, b));
  const ordered: ExpertMap = {};
  for (const name of names) ordered[name.replace(/\.weight$/, '')] = map[name];
  return JSON.stringify(ordered, null, 4) + '\n';
}

/** Reads a flat map's value; the error says what is wrong so the caller can name the file and the fix. */
export function parseFlatExpertMap(value: unknown): { map: ExpertMap } | { error: string } {
  if (!isPlainObject(value)) return { error: 'is not a JSON object of module name → expert count' };
  const map: ExpertMap = {};
  for (const [name, count] of Object.entries(value)) {
    if (!Number.isInteger(count) || (count as number) < 0) return { error: `"${name}" has ${JSON.stringify(count)} experts (a non-negative integer is needed)` };
    map[name.replace(/\.weight$/, '')] = count as number;
  }
  return { map };
}
