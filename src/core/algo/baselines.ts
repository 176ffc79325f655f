// The comparison baselines of DESIGN.md §3.3: uniform, layerwise (MoLA) and proportional.
import { parseModuleName } from '../model/config';
import { summedNormalisedScores } from './sensitivity';
import type { ExpertMap, SensitivityTable } from './types';

/** MoLA's counts: experts per module in each depth quarter. */
export const DEFAULT_LAYERWISE = [2, 4, 6, 8] as const;

/** `experts` on every candidate. */
export function allocateUniform(candidates: readonly string[], experts: number): ExpertMap {
  const n = Math.max(0, Math.floor(experts));
  return Object.fromEntries(candidates.map((name) => [name, n]));
}

/**
 * MoLA-style: the layers are cut into pattern.length equal depth groups (layer g·L/G .. (g+1)·L/G - 1) and every
 * module of group g gets round(pattern[g] * scale) experts. `scale` lets a budget shrink or grow the pattern.
 */
export function allocateLayerwise(candidates: readonly string[], numLayers: number, pattern: readonly number[] = DEFAULT_LAYERWISE, scale = 1): ExpertMap {
  if (pattern.length === 0) throw new RangeError('layerwise pattern is empty');
  const groups = pattern.length;
  return Object.fromEntries(
    candidates.map((name) => {
      const layer = parseModuleName(name)?.layer ?? 0;
      const group = Math.min(groups - 1, Math.floor((layer * groups) / Math.max(1, numLayers)));
      return [name, Math.max(0, Math.round(pattern[group] * scale))];
    }),
  );
}

function give(map: ExpertMap, name: string, n: number, max: number): number {
  const added = Math.max(0, Math.min(n, max - map[name]));
  map[name] += added;
  return added;
}

/** One round: `total` shared by floors plus one each to the largest remainders (ties in order); returns what caps let through. */
function largestRemainderRound(map: ExpertMap, open: readonly string[], scores: Map<string, number>, total: number, max: number): number {
  const mass = open.reduce((sum, name) => sum + scores.get(name)!, 0);
  const quotas = open.map((name) => ({ name, quota: (total * scores.get(name)!) / mass }));
  const targets = new Map(quotas.map((q) => [q.name, Math.floor(q.quota)]));
  const extra = total - [...targets.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...quotas].sort((a, b) => b.quota - Math.floor(b.quota) - (a.quota - Math.floor(a.quota)));
  for (const q of byRemainder.slice(0, Math.max(0, extra))) targets.set(q.name, targets.get(q.name)! + 1);
  return open.reduce((given, name) => given + give(map, name, targets.get(name)!, max), 0);
}

/**
 * `total` experts in proportion to summed normalised sensitivity, by largest-remainder rounding (floors first,
 * then one more to the largest fractional parts, ties in candidate order), at most `max` per module; what a
 * capped module cannot take is shared out again among the others. Modules with zero sensitivity get nothing.
 */
export function allocateProportional(table: SensitivityTable, candidates: readonly string[], total: number, max = Number.POSITIVE_INFINITY): ExpertMap {
  const scores = summedNormalisedScores(table, candidates);
  const map: ExpertMap = Object.fromEntries(candidates.map((name) => [name, 0]));
  let open = candidates.filter((name) => scores.get(name)! > 0 && max > 0);
  let left = Math.max(0, Math.floor(total));
  while (left > 0 && open.length > 0) {
    const given = largestRemainderRound(map, open, scores, left, max);
    left -= given;
    open = open.filter((name) => map[name] < max);
    if (given === 0) break;
  }
  return map;
}
