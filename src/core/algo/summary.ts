// What an allocation amounts to (DESIGN.md §3.3 "always report"), and per-module hints for the editor.
import { allModules, MODULE_TYPES, parseModuleName, type ModelConfig, type ModuleType } from '../model/config';
import { DEFAULT_ADAPTER } from './budget';
import { loraRankEquivalent, mapTrainableParams, namedModuleParams } from './params';
import { rankBySensitivity } from './sensitivity';
import type { AdapterShape, ExpertMap, SensitivityTable } from './types';

export interface GroupSum {
  experts: number;
  /** Modules with at least one expert. */
  modules: number;
  /** Present when the model is known. */
  params?: number;
}

export interface AllocationSummary {
  totalExperts: number;
  modulesWithAdapters: number;
  /** Present when the model is known (parameters depend on its shapes). */
  trainableParams?: number;
  /** The rank of plain LoRA on the target modules with the same trainable parameters (fractional). */
  loraRankEquivalent?: number;
  perLayer: ({ layer: number } & GroupSum)[];
  perType: ({ type: ModuleType } & GroupSum)[];
}

export interface SummaryContext {
  model?: ModelConfig;
  adapter?: AdapterShape;
  /** The modules plain LoRA would adapt for the rank equivalent (default: every module of the map's types). */
  targets?: readonly string[];
}

function addTo(group: GroupSum, n: number, params: number | undefined): void {
  group.experts += n;
  group.modules += 1;
  if (params !== undefined) group.params = (group.params ?? 0) + params;
}

function defaultTargets(model: ModelConfig, map: ExpertMap): string[] {
  const types = new Set(Object.keys(map).map((name) => parseModuleName(name)?.type));
  return allModules(model).filter((m) => types.has(m.type)).map((m) => m.name);
}

/** Totals, parameters and the plain-LoRA rank with equal parameters (with a model), per-layer and per-type sums. */
export function summarizeAllocation(map: ExpertMap, context: SummaryContext = {}): AllocationSummary {
  const adapter = context.adapter ?? DEFAULT_ADAPTER;
  const layers = new Map<number, GroupSum>();
  const types = new Map<ModuleType, GroupSum>();
  let total = 0;
  let modules = 0;
  for (const [name, n] of Object.entries(map)) {
    const parsed = parseModuleName(name);
    if (n <= 0 || !parsed) continue;
    const params = context.model ? namedModuleParams(context.model, adapter, name, n) : undefined;
    total += n;
    modules += 1;
    if (!layers.has(parsed.layer)) layers.set(parsed.layer, { experts: 0, modules: 0 });
    if (!types.has(parsed.type)) types.set(parsed.type, { experts: 0, modules: 0 });
    addTo(layers.get(parsed.layer)!, n, params);
    addTo(types.get(parsed.type)!, n, params);
  }
  const summary: AllocationSummary = {
    totalExperts: total,
    modulesWithAdapters: modules,
    perLayer: [...layers.entries()].sort((a, b) => a[0] - b[0]).map(([layer, sum]) => ({ layer, ...sum })),
    perType: MODULE_TYPES.filter((t) => types.has(t)).map((type) => ({ type, ...types.get(type)! })),
  };
  if (!context.model) return summary;
  const trainable = mapTrainableParams(context.model, adapter, map);
  const rank = loraRankEquivalent(context.model, context.targets ?? defaultTargets(context.model, map), trainable);
  return { ...summary, trainableParams: trainable, ...(rank !== undefined ? { loraRankEquivalent: rank } : {}) };
}

/** What CodeLens shows above one expert-map entry. */
export interface ModuleHint {
  count: number;
  /** 1 = most sensitive (summed normalised sensitivity), among `of` candidates the probe measured. */
  sensitivityRank?: number;
  of?: number;
  /** The suggested allocation's count for this module (0 when it suggests none). */
  suggested?: number;
}

/** Per map entry: its count, its sensitivity rank among the candidates, and the suggestion's count. */
export function moduleHints(map: ExpertMap, options: { table?: SensitivityTable; candidates?: readonly string[]; suggestion?: ExpertMap } = {}): Map<string, ModuleHint> {
  const { table, suggestion } = options;
  const measured = new Set(Object.values(table?.tasks ?? {}).flatMap((values) => Object.keys(values)));
  const pool = options.candidates ? options.candidates.filter((name) => measured.has(name)) : [...measured];
  const ranked = table ? rankBySensitivity(table, pool) : [];
  const rankOf = new Map(ranked.map((name, i) => [name, i + 1]));
  const hints = new Map<string, ModuleHint>();
  for (const [name, count] of Object.entries(map)) {
    const rank = rankOf.get(name);
    hints.set(name, { count, ...(rank !== undefined ? { sensitivityRank: rank, of: ranked.length } : {}), ...(suggestion ? { suggested: suggestion[name] ?? 0 } : {}) });
  }
  return hints;
}
