// The model layer's real decoder on a tiny seeded random model, as the training layer sees it: a LogitsBuilder
// whose hook sees every projection (attention, RoPE, SwiGLU, RMSNorm and the LM head all included).
import type { DType, Tensor } from '../../../src/core/engine';
import { buildDecoder, frozenWeights, randomModel, tinyConfig, type ModelConfig } from '../../../src/core/model';
import { logitsBuilderOf } from '../../../src/core/jobs/baseModel';
import type { LogitsBuilder } from '../../../src/core/train/trainGraph';

/** One layer, 8 wide, a 12-token vocabulary: small enough for finite differences and second-long training runs. */
export const TOY_CONFIG: ModelConfig = tinyConfig({
  vocabSize: 12, hiddenSize: 8, intermediateSize: 12, numLayers: 1, numHeads: 2, numKvHeads: 2, headDim: 4, maxPositions: 32,
});

/** The training path exactly: logitsBuilderOf(randomModel(config, seed)), float32 weights. */
export function toyLogitsBuilder(seed = 3, config: ModelConfig = TOY_CONFIG): LogitsBuilder {
  return logitsBuilderOf(randomModel(config, seed));
}

/**
 * The same decoder and weights computed in `dtype` (the frozen float32 weights cast inside the graph), so
 * finite-difference checks can run in float64 through buildDecoder's adapt hook.
 */
export function decoderLogitsIn(dtype: DType, seed: number, config: ModelConfig): LogitsBuilder {
  const model = randomModel(config, seed);
  return (g, inputIds, hook, options) => {
    const frozen = frozenWeights(g, model);
    const cast = new Map<string, Tensor>();
    const weight = (name: string): Tensor => {
      if (!cast.has(name)) cast.set(name, g.cast(frozen(name), dtype));
      return cast.get(name) as Tensor;
    };
    return buildDecoder(g, { config, weight, inputIds, adapt: hook, recompute: options?.recompute }).logits;
  };
}
