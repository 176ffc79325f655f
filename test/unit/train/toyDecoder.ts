// A one-layer MLP-only "decoder" in engine composites, with the adapter hook on its three MLP projections:
// enough to exercise the training loop without the full model layer.
import { Graph, linear, rmsNorm, swiglu, Tensor } from '../../../src/core/engine';
import type { ModelConfig } from '../../../src/core/model/config';
import { moduleName } from '../../../src/core/model/config';
import { deriveSeed, TrainRandom } from '../../../src/core/train/random';
import type { LogitsBuilder, ProjectionHook } from '../../../src/core/train/trainGraph';

export const TOY_CONFIG: ModelConfig = {
  modelType: 'llama', vocabSize: 12, hiddenSize: 8, intermediateSize: 12, numLayers: 1, numHeads: 2, numKvHeads: 2, headDim: 4,
  rmsNormEps: 1e-5, ropeTheta: 10000, ropeLayout: 'half', tieWordEmbeddings: false, attentionBias: false, maxPositions: 32, bosTokenId: 1, eosTokenId: 2,
};

function weights(seed: number, dims: [number, number], scale: number): Float32Array {
  const random = new TrainRandom(deriveSeed(seed, dims[0], dims[1]));
  return Float32Array.from({ length: dims[0] * dims[1] }, () => (2 * random.next() - 1) * scale);
}

export function toyLogitsBuilder(seed = 3): LogitsBuilder {
  const { vocabSize: v, hiddenSize: d, intermediateSize: f } = TOY_CONFIG;
  return (g: Graph, inputIds: Tensor, hook?: ProjectionHook): Tensor => {
    const w = (name: string, dims: [number, number], scale = 0.5) => g.initializer(name, { dtype: 'float32', dims, data: weights(seed + name.length, dims, scale) });
    const project = (x: Tensor, type: 'gate_proj' | 'up_proj' | 'down_proj', dims: [number, number]) => {
      const base = linear(g, x, w(`${type}.weight`, dims));
      return hook ? hook(moduleName(0, type), x, base) : base;
    };
    const h = g.gather(w('embed', [v, d], 1), inputIds, 0);
    const x = rmsNorm(g, h, undefined, 1e-5);
    const mlp = project(swiglu(g, project(x, 'gate_proj', [f, d]), project(x, 'up_proj', [f, d])), 'down_proj', [d, f]);
    return linear(g, rmsNorm(g, g.add(h, mlp), undefined, 1e-5), w('lm_head', [v, d]));
  };
}
