import { parseModuleName } from '../model/config';
import { percentileOfSorted } from './percentile';
import type { ExpertMap, SensitivityTable, ThresholdScope } from './types';

/** Candidates grouped by threshold scope: one pool, or one group per module type (in first-seen order). */
function scopeGroups(candidates: readonly string[], scope: ThresholdScope): string[][] {
  if (scope === 'pooled') return [[...candidates]];
  const groups = new Map<string, string[]>();
  for (const name of candidates) {
    const type = parseModuleName(name)?.type ?? '';
    groups.set(type, [...(groups.get(type) ?? []), name]);
  }
  return [...groups.values()];
}

export interface VoteOptions {
  /** A task votes for its top p% of candidates: theta = percentile(S_t, 100 - p). Default 60 (the paper). */
  percentile?: number;
  scope?: ThresholdScope;
}

interface ThresholdGroup {
  names: string[];
  values: number[];
  sorted: Float64Array;
}

/**
 * The vote as a function of p, with every task's (and scope group's) values sorted once, so a budget search can
 * evaluate many percentiles cheaply. Modules a task did not measure neither vote nor count in its threshold.
 */
export function voteFamily(table: SensitivityTable, candidates: readonly string[], scope: ThresholdScope = 'pooled'): (p: number) => ExpertMap {
  const groups: ThresholdGroup[] = [];
  for (const values of Object.values(table.tasks)) {
    for (const group of scopeGroups(candidates, scope)) {
      const names = group.filter((name) => values[name] !== undefined);
      if (names.length === 0) continue;
      const measured = names.map((name) => values[name]);
      groups.push({ names, values: measured, sorted: Float64Array.from(measured).sort() });
    }
  }
  return (p) => {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`vote percentile ${p} is outside [0, 100]`);
    const votes: ExpertMap = Object.fromEntries(candidates.map((name) => [name, 0]));
    for (const group of groups) {
      const theta = percentileOfSorted(group.sorted, 100 - p);
      group.names.forEach((name, i) => {
        if (group.values[i] > theta) votes[name]++;
      });
    }
    return votes;
  };
}

/**
 * The paper's vote (DESIGN.md §3.3): per task (and scope group), theta_t = percentile(S_t over the group, 100 - p),
 * numpy linear; a task votes for a module when S_t > theta_t (strictly); experts = votes. Every candidate is in
 * the result (0 when no task voted).
 */
export function allocateByVote(table: SensitivityTable, candidates: readonly string[], options: VoteOptions = {}): ExpertMap {
  return voteFamily(table, candidates, options.scope)(options.percentile ?? 60);
}
