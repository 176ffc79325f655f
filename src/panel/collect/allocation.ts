// An expert map → experts per layer stacked by module type, with totals and parameters vs plain LoRA. Pure.
import { loraParams } from '../../core/algo';
import { candidateModules, summarize, type PlanModel } from '../../core/experiment/planner';
import type { AdapterSettings, ExpertMap } from '../../core/experiment/types';
import { MODULE_TYPES, parseModuleName } from '../../core/model/config';
import type { AllocationView } from '../../protocol/webview';

export interface AllocationInputs {
  title: string;
  map: ExpertMap;
  adapter: AdapterSettings;
  model?: PlanModel;
}

function layersOf(map: ExpertMap, model: PlanModel | undefined): number[] {
  if (model) return Array.from({ length: model.config.numLayers }, (_, i) => i);
  const seen = Object.keys(map).map((name) => parseModuleName(name)?.layer).filter((l): l is number => l !== undefined);
  return seen.length > 0 ? Array.from({ length: Math.max(...seen) + 1 }, (_, i) => i) : [];
}

export function collectAllocation({ title, map, adapter, model }: AllocationInputs): AllocationView {
  const layers = layersOf(map, model);
  const used = new Set<string>(adapter.targetModules);
  for (const [name, n] of Object.entries(map)) if (n > 0) used.add(parseModuleName(name)?.type ?? '');
  const types = MODULE_TYPES.filter((t) => used.has(t));
  const experts = types.map(() => layers.map(() => 0));
  for (const [name, n] of Object.entries(map)) {
    const parsed = parseModuleName(name);
    if (!parsed || n <= 0 || !layers.includes(parsed.layer)) continue;
    experts[types.indexOf(parsed.type)][layers.indexOf(parsed.layer)] += n;
  }
  const summary = summarize(model, adapter, map);
  const plain = model ? loraParams(model.config, candidateModules(model, adapter, undefined), adapter.rank) : undefined;
  return {
    title, layers, types: [...types], experts, rank: adapter.rank,
    totalExperts: summary.totalExperts, modulesWithAdapters: summary.modulesWithAdapters,
    trainableParameters: summary.trainableParams, loraRankEquivalent: summary.loraRankEquivalent, plainLoraParameters: plain,
  };
}
