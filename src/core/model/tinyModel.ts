// Small seeded random models of any LLaMA-family variant, for tests, benchmarks and demos.
import type { ModelConfig } from './config';
import { weightSpecs, type LoadedModel, type WeightSpec } from './weights';
import type { WeightTensor } from './safetensors';

/** A 2-layer, 32-wide model; override any field (e.g. numKvHeads, attentionBias, ropeLayout, tieWordEmbeddings). */
export function tinyConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    modelType: 'llama', vocabSize: 64, hiddenSize: 32, intermediateSize: 48, numLayers: 2, numHeads: 4, numKvHeads: 4, headDim: 8,
    rmsNormEps: 1e-5, ropeTheta: 10000, ropeLayout: 'half', tieWordEmbeddings: false, attentionBias: false, maxPositions: 128,
    bosTokenId: 1, eosTokenId: 2, ...overrides,
  };
}

/** mulberry32: a tiny seeded generator with a uniform [0, 1) stream. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function initialValues(spec: WeightSpec, uniform: () => number): Float32Array {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  const symmetric = (scale: number) => Float32Array.from({ length: count }, () => (2 * uniform() - 1) * scale);
  switch (spec.role) {
    case 'embedding': return symmetric(1);
    case 'matrix': return symmetric(Math.sqrt(3 / spec.dims[1]));
    case 'bias': return symmetric(0.2);
    case 'norm': return Float32Array.from({ length: count }, () => 1 + (2 * uniform() - 1) * 0.2);
  }
}

/** Every tensor the config needs, seeded: norms near 1, matrices with unit-variance outputs. */
export function randomModel(config: ModelConfig, seed = 1): LoadedModel {
  const uniform = seededUniform(seed);
  const tensors = new Map<string, WeightTensor>();
  for (const spec of weightSpecs(config)) tensors.set(spec.name, { dims: spec.dims, data: initialValues(spec, uniform) });
  return { config, format: config.ropeLayout === 'interleaved' ? 'llama2c' : 'hf', tensors, path: '' };
}
