import { ATTENTION_TYPES, MODULE_TYPES, moduleName, type ModelConfig, type ModuleType } from '../../../src/core/model/config';
import type { SensitivityTable } from '../../../src/core/algo';

export { sharedData } from '../data/helpers';

/** A tiny GQA decoder: d=8, 2 heads of 4, 1 KV head, MLP 16. q 8→8, k/v 8→4, o 8→8, gate/up 8→16, down 16→8. */
export function tinyModel(numLayers = 4): ModelConfig {
  return {
    modelType: 'llama', vocabSize: 32, hiddenSize: 8, intermediateSize: 16, numLayers, numHeads: 2, numKvHeads: 1, headDim: 4,
    rmsNormEps: 1e-5, ropeTheta: 10000, ropeLayout: 'half', tieWordEmbeddings: true, attentionBias: false, maxPositions: 64,
    bosTokenId: 1, eosTokenId: 2,
  };
}

export const ALL_TYPES: readonly ModuleType[] = MODULE_TYPES;
export const ATTENTION: readonly ModuleType[] = ATTENTION_TYPES;

/** `model.layers.{layer}.self_attn.{type}` etc. */
export const m = (layer: number, type: ModuleType) => moduleName(layer, type);

/** A table whose task t gives module i the value values[t][i], over the given modules. */
export function tableOf(modules: readonly string[], values: Record<string, readonly number[]>): SensitivityTable {
  const tasks: SensitivityTable['tasks'] = {};
  for (const [task, row] of Object.entries(values)) tasks[task] = Object.fromEntries(modules.map((name, i) => [name, row[i]]));
  return { tasks };
}

/** Attention modules of `layers` layers, layer-major. */
export function attentionModules(layers: number): string[] {
  return Array.from({ length: layers }, (_, l) => ATTENTION.map((t) => m(l, t))).flat();
}
