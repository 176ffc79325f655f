import { isModuleType, type ModuleType } from '../model/config';
import { sectionDefaults } from './defaults';
import { isObject, sectionOf, type Loose } from './lenient';
import type { AllocationChoice } from './planner';
import { schemaAt } from './schema';
import type { AdapterSettings } from './types';
import { validateAgainst, type SchemaProblem } from './validate';

/** A section with schema defaults, where every field that fails its schema falls back to the default. */
function settledSection(raw: unknown, key: 'adapter' | 'budget' | 'allocation'): Loose {
  const written = sectionOf(raw, key);
  const settled = { ...(sectionDefaults(key) as Loose) };
  for (const [field, value] of Object.entries(written)) {
    const node = schemaAt([key, field]);
    if (!node) continue;
    const problems: SchemaProblem[] = [];
    validateAgainst(node, value, [key, field], problems);
    if (problems.length === 0) settled[field] = value;
  }
  return settled;
}

/** The adapter the file describes, defaults filled in, invalid fields at their defaults (the user may be typing). */
export function adapterOf(raw: unknown): AdapterSettings {
  const adapter = settledSection(raw, 'adapter') as unknown as AdapterSettings;
  const targets = adapter.targetModules.filter((t): t is ModuleType => isModuleType(t));
  return { ...adapter, targetModules: targets.length > 0 ? targets : ['q_proj', 'k_proj', 'v_proj', 'o_proj'] };
}

/** Strategy, thresholds and budget as the file sets them (defaults filled in). */
export function allocationChoiceOf(raw: unknown): AllocationChoice {
  const allocation = settledSection(raw, 'allocation');
  const budget = settledSection(raw, 'budget');
  return {
    strategy: allocation.strategy as AllocationChoice['strategy'],
    percentile: allocation.percentile as number,
    scope: allocation.scope as AllocationChoice['scope'],
    layerwise: allocation.layerwise as number[],
    uniformExperts: allocation.uniformExperts as number | undefined,
    budget: {
      kind: budget.kind as AllocationChoice['budget']['kind'],
      value: budget.value as number | undefined,
      minExperts: budget.minExperts as number,
      maxExperts: budget.maxExperts as number,
    },
  };
}

export function probeSamplesOf(raw: unknown): number {
  const probe = sectionOf(raw, 'probe');
  return typeof probe.samplesPerTask === 'number' && probe.samplesPerTask >= 1 ? probe.samplesPerTask : (sectionDefaults('probe') as Loose).samplesPerTask as number;
}

export function taskCountOf(raw: unknown): number {
  const tasks = isObject(raw) ? raw.tasks : undefined;
  return Array.isArray(tasks) ? tasks.length : 0;
}
