// What "Allocate Experts" writes besides the map: the settings it used, where they differ from the file's. Pure.
import type { ValueChange } from './edits';
import type { AllocationChoice } from './planner';

/** The allocation and budget settings that differ from the file's: written with the map so hints agree with it. */
export function changedSettings(before: AllocationChoice, after: AllocationChoice): ValueChange[] {
  const candidates: ValueChange[] = [
    { path: ['allocation', 'strategy'], value: after.strategy },
    ...(after.strategy === 'vote' ? [{ path: ['allocation', 'percentile'], value: after.percentile }, { path: ['allocation', 'scope'], value: after.scope }] : []),
    ...(after.strategy === 'layerwise' ? [{ path: ['allocation', 'layerwise'], value: after.layerwise }] : []),
    ...(after.strategy === 'uniform' && after.uniformExperts !== undefined ? [{ path: ['allocation', 'uniformExperts'], value: after.uniformExperts }] : []),
    { path: ['budget', 'kind'], value: after.budget.kind },
    ...(after.budget.kind !== 'none' && after.budget.value !== undefined ? [{ path: ['budget', 'value'], value: after.budget.value }] : []),
  ];
  const current = (p: (string | number)[]) => p.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key as string], {
    allocation: { ...before, budget: undefined }, budget: before.budget,
  });
  return candidates.filter((c) => JSON.stringify(current(c.path as (string | number)[])) !== JSON.stringify(c.value));
}
