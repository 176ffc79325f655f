// The LLaMA forward pass with every projection passed through the adapter hook.
import { Graph, groupedQueryAttention, linear, positionsFromOffset, rmsNorm, swiglu, type Tensor } from '../../engine';
import { moduleName, type ModelConfig, type ModuleType } from '../../model/config';
import type { ProjectionHook } from '../trainGraph';

function layerForward(g: Graph, h: Tensor, layer: number, config: ModelConfig, w: (name: string) => Tensor, positions: Tensor, hook?: ProjectionHook): Tensor {
  const proj = (x: Tensor, type: ModuleType): Tensor => {
    const name = moduleName(layer, type);
    const bias = config.attentionBias && ['q_proj', 'k_proj', 'v_proj'].includes(type) ? w(`${name}.bias`) : undefined;
    const base = linear(g, x, w(`${name}.weight`), { bias });
    return hook ? hook(name, x, base) : base;
  };
  const x = rmsNorm(g, h, w(`model.layers.${layer}.input_layernorm.weight`), config.rmsNormEps);
  const attention = groupedQueryAttention(g, proj(x, 'q_proj'), proj(x, 'k_proj'), proj(x, 'v_proj'), {
    numHeads: config.numHeads, numKvHeads: config.numKvHeads, headDim: config.headDim,
    rope: { theta: config.ropeTheta, layout: config.ropeLayout, positions },
  });
  const mid = g.add(h, proj(attention.output, 'o_proj'));
  const y = rmsNorm(g, mid, w(`model.layers.${layer}.post_attention_layernorm.weight`), config.rmsNormEps);
  return g.add(mid, proj(swiglu(g, proj(y, 'gate_proj'), proj(y, 'up_proj')), 'down_proj'));
}

/** Logits [batch, seq, vocab]. */
export function decoderLogits(g: Graph, inputIds: Tensor, config: ModelConfig, w: (name: string) => Tensor, hook?: ProjectionHook): Tensor {
  let h = g.gather(w('model.embed_tokens.weight'), inputIds, 0);
  const positions = positionsFromOffset(g, g.scalar(0, 'int64'), h);
  for (let layer = 0; layer < config.numLayers; layer++) h = layerForward(g, h, layer, config, w, positions, hook);
  const head = w(config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  return linear(g, rmsNorm(g, h, w('model.norm.weight'), config.rmsNormEps), head);
}
