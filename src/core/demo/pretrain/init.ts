import type { ModelConfig } from '../../model/config';
import { DemoRandom } from '../random';
import { weightSpecs } from '../../model';

export interface HostWeight {
  name: string;
  dims: number[];
  data: Float32Array;
}

/**
 * LLaMA's initialisation (normal with std `initStd`; norms at one), with the residual-branch outputs (o_proj,
 * down_proj) scaled by 1/sqrt(2 * layers) as GPT-2 does, which keeps a deep stack stable from step one.
 */
export function initialWeights(config: ModelConfig, seed: number, initStd: number): HostWeight[] {
  const random = new DemoRandom(seed);
  const residualScale = 1 / Math.sqrt(2 * config.numLayers);
  return weightSpecs(config).map((spec) => {
    const count = spec.dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (spec.role === 'norm') data.fill(1);
    else if (spec.role !== 'bias') {
      const std = initStd * (/o_proj|down_proj/.test(spec.name) ? residualScale : 1);
      for (let i = 0; i < count; i++) data[i] = std * random.normal();
    }
    return { name: spec.name, dims: spec.dims, data };
  });
}
