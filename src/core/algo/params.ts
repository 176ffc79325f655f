// Parameter accounting (DESIGN.md §3.1) from the model's real shapes.
import { moduleShape, parseModuleName, type ModelConfig } from '../model/config';
import { moduleTrainableParams } from '../model/adapters/config';

export { moduleTrainableParams };
import type { AdapterShape, ExpertMap } from './types';

/** Input and output width of a module by name; undefined for names that are not module names. */
export function shapeOf(model: ModelConfig, name: string): { dIn: number; dOut: number } | undefined {
  const parsed = parseModuleName(name);
  return parsed ? moduleShape(model, parsed.type) : undefined;
}

/** Trainable parameters of one named module with n experts (0 for names that are not module names). */
export function namedModuleParams(model: ModelConfig, adapter: AdapterShape, name: string, n: number): number {
  const shape = shapeOf(model, name);
  return shape ? moduleTrainableParams(adapter.style, adapter.rank, n, shape.dIn, shape.dOut) : 0;
}

/** Trainable parameters of a whole expert map. */
export function mapTrainableParams(model: ModelConfig, adapter: AdapterShape, map: ExpertMap): number {
  let total = 0;
  for (const [name, n] of Object.entries(map)) total += namedModuleParams(model, adapter, name, n);
  return total;
}

/** Σ (d_in + d_out) over the modules: plain LoRA's parameters per unit of rank on them. */
export function loraParamsPerRank(model: ModelConfig, modules: readonly string[]): number {
  return modules.reduce((sum, name) => {
    const shape = shapeOf(model, name);
    return sum + (shape ? shape.dIn + shape.dOut : 0);
  }, 0);
}

/** Parameters of plain LoRA of rank r on the modules (the `loraRank` budget). */
export function loraParams(model: ModelConfig, modules: readonly string[], rank: number): number {
  return rank * loraParamsPerRank(model, modules);
}

/** The rank of plain LoRA on the modules with the same trainable parameters (fractional; undefined without modules). */
export function loraRankEquivalent(model: ModelConfig, modules: readonly string[], params: number): number | undefined {
  const perRank = loraParamsPerRank(model, modules);
  return perRank > 0 ? params / perRank : undefined;
}
