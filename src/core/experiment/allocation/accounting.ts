// Kept for existing callers (panel, demo): the accounting itself lives in core/algo.
import { candidateModules, loraParamsPerRank } from '../../algo';
import type { ModelConfig, ModuleType } from '../../model/config';

/** Σ (d_in + d_out) over every module of these types in every layer: plain LoRA's parameters per unit of rank. */
export function loraParametersPerRank(config: ModelConfig, targets: readonly ModuleType[]): number {
  return loraParamsPerRank(config, candidateModules(targets, { model: config }));
}
