// Module names, their order and the candidate set an allocation runs over.
import { allModules, compareModuleNames, parseModuleName, stripWeight, type ModelConfig, type ModuleType } from '../model/config';
import type { SensitivityTable } from './types';

export { compareModuleNames, stripWeight };

/** Every module any task of the table measured, in model order. */
export function tableModules(table: SensitivityTable): string[] {
  const names = new Set<string>();
  for (const values of Object.values(table.tasks)) for (const name of Object.keys(values)) names.add(name);
  return [...names].sort(compareModuleNames);
}

/**
 * The modules an allocation runs over: the model's (when known), else those the table measured, restricted to the
 * given module types, in model order.
 */
export function candidateModules(types: readonly ModuleType[], source: { model?: ModelConfig; table?: SensitivityTable }): string[] {
  const wanted = new Set<string>(types);
  const pool = source.model ? allModules(source.model).map((m) => m.name) : source.table ? tableModules(source.table) : [];
  return pool.filter((name) => wanted.has(parseModuleName(name)?.type ?? '')).sort(compareModuleNames);
}

/** The number of layers a set of module names spans (highest layer + 1). */
export function layerCount(names: readonly string[]): number {
  return 1 + Math.max(-1, ...names.map((name) => parseModuleName(name)?.layer ?? -1));
}

/** The map in model order with zero-expert modules left out (the flat output format). */
export function orderedExpertMap(map: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(map).sort(compareModuleNames)) if (map[name] > 0) out[stripWeight(name)] = map[name];
  return out;
}
