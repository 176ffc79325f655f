import { moduleTrainableParams } from '../../model/adapters/config';
import { moduleShape, parseModuleName, type ModelConfig, type ModuleType } from '../../model/config';
import type { ParameterAccounting } from '../facts';
import type { AdapterSettings, ExpertMap } from '../types';

/** Trainable parameters of one LoRA-MoE module with n experts (DESIGN §3.1), as the model's adapters count them. */
export const moduleParameters = moduleTrainableParams;

/** Trainable parameters of a whole map; names that are not module names cost nothing (diagnostics flag them). */
export function mapParameters(config: ModelConfig, adapter: AdapterSettings, map: ExpertMap): number {
  let total = 0;
  for (const [name, n] of Object.entries(map)) {
    const parsed = parseModuleName(name);
    if (!parsed) continue;
    const { dIn, dOut } = moduleShape(config, parsed.type);
    total += moduleParameters(adapter.style, adapter.rank, n, dIn, dOut);
  }
  return total;
}

/** Σ (d_in + d_out) over every target module of every layer: plain LoRA's parameters per unit of rank. */
export function loraParametersPerRank(config: ModelConfig, targets: readonly ModuleType[]): number {
  const perLayer = targets.reduce((sum, type) => {
    const { dIn, dOut } = moduleShape(config, type);
    return sum + dIn + dOut;
  }, 0);
  return perLayer * config.numLayers;
}

export function parameterAccounting(config: ModelConfig, adapter: AdapterSettings): ParameterAccounting {
  const perRank = loraParametersPerRank(config, adapter.targetModules);
  return { trainable: (map) => mapParameters(config, adapter, map), loraRankEquivalent: (rank) => rank * perRank };
}
