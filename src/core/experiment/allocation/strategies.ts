import { parseModuleName } from '../../model/config';
import type { ExpertMap, ThresholdScope } from '../types';
import { percentile, summedNormalisedScores } from './sensitivity';
import type { SensitivityTable } from './types';

function typeOf(name: string): string {
  return parseModuleName(name)?.type ?? '';
}

/** Candidates grouped by threshold scope: one pool, or one per module type. */
function scopeGroups(candidates: readonly string[], scope: ThresholdScope): string[][] {
  if (scope === 'pooled') return [[...candidates]];
  const groups = new Map<string, string[]>();
  for (const name of candidates) groups.set(typeOf(name), [...(groups.get(typeOf(name)) ?? []), name]);
  return [...groups.values()];
}

/**
 * The paper's vote: per task (and scope group), theta = percentile(S_t, 100 - p); a task votes for a module when
 * S_t > theta (strictly); experts = votes. Modules a task has no value for neither vote nor count in its threshold.
 */
export function voteAllocation(table: SensitivityTable, candidates: readonly string[], p: number, scope: ThresholdScope): ExpertMap {
  const votes: ExpertMap = Object.fromEntries(candidates.map((name) => [name, 0]));
  for (const values of Object.values(table.tasks)) {
    for (const group of scopeGroups(candidates, scope)) {
      const measured = group.filter((name) => values[name] !== undefined);
      if (measured.length === 0) continue;
      const theta = percentile(measured.map((name) => values[name]), 100 - p);
      for (const name of measured) if (values[name] > theta) votes[name]++;
    }
  }
  return votes;
}

export function uniformAllocation(candidates: readonly string[], experts: number): ExpertMap {
  return Object.fromEntries(candidates.map((name) => [name, Math.max(0, Math.floor(experts))]));
}

/** MoLA-style: `pattern[g]` experts in depth group g (of pattern.length equal groups), scaled by `scale`. */
export function layerwiseAllocation(candidates: readonly string[], pattern: readonly number[], numLayers: number, scale = 1): ExpertMap {
  const groups = pattern.length;
  return Object.fromEntries(
    candidates.map((name) => {
      const layer = parseModuleName(name)?.layer ?? 0;
      const group = Math.min(groups - 1, Math.floor((layer * groups) / Math.max(1, numLayers)));
      return [name, Math.max(0, Math.round(pattern[group] * scale))];
    }),
  );
}

/** `total` experts in proportion to summed normalised sensitivity, largest-remainder rounding, at most `max` each. */
export function proportionalAllocation(table: SensitivityTable, candidates: readonly string[], total: number, max: number): ExpertMap {
  const scores = summedNormalisedScores(table, candidates);
  const map: ExpertMap = Object.fromEntries(candidates.map((name) => [name, 0]));
  let open = candidates.filter((name) => scores.get(name)! > 0);
  let left = Math.max(0, Math.floor(total));
  while (left > 0 && open.length > 0) {
    const mass = open.reduce((sum, name) => sum + scores.get(name)!, 0);
    const quotas = open.map((name) => ({ name, quota: (left * scores.get(name)!) / mass }));
    let given = 0;
    for (const q of quotas) given += add(map, q.name, Math.floor(q.quota), max);
    const byRemainder = [...quotas].sort((a, b) => b.quota - Math.floor(b.quota) - (a.quota - Math.floor(a.quota)));
    for (const q of byRemainder) if (given < left) given += add(map, q.name, 1, max);
    left -= given;
    open = open.filter((name) => map[name] < max);
    if (given === 0) break;
  }
  return map;
}

function add(map: ExpertMap, name: string, n: number, max: number): number {
  const added = Math.max(0, Math.min(n, max - map[name]));
  map[name] += added;
  return added;
}
