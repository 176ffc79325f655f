// A 2-layer LLaMA-style toy decoder with a LoRA branch on every projection, built from engine composites.
import {
  crossEntropy, DType, Graph, groupedQueryAttention, HostTensor, linear, positionsFromOffset, rmsNorm, swiglu, Tensor,
} from '../../../src/core/engine';
import { randomTensor, rng } from './gradcheck';

export const TOY = { vocab: 11, hidden: 8, heads: 2, kvHeads: 1, headDim: 4, ffn: 12, layers: 2, rank: 2, alpha: 4 };

const PROJECTIONS = [
  ['self_attn.q_proj', TOY.hidden, TOY.heads * TOY.headDim],
  ['self_attn.k_proj', TOY.hidden, TOY.kvHeads * TOY.headDim],
  ['self_attn.v_proj', TOY.hidden, TOY.kvHeads * TOY.headDim],
  ['self_attn.o_proj', TOY.heads * TOY.headDim, TOY.hidden],
  ['mlp.gate_proj', TOY.hidden, TOY.ffn],
  ['mlp.up_proj', TOY.hidden, TOY.ffn],
  ['mlp.down_proj', TOY.ffn, TOY.hidden],
] as const;

export interface ToyModel {
  g: Graph;
  loss: Tensor;
  /** LoRA A/B of every projection, graph inputs (trainable state passed in each step). */
  lora: Tensor[];
  /** Values to feed for the LoRA tensors, plus ids and labels. */
  feeds: Record<string, HostTensor>;
}

/** Builds the decoder; frozen weights are initializers, LoRA weights are inputs. */
export function buildToyTransformer(dtype: DType = 'float64', seed = 1): ToyModel {
  const random = rng(seed);
  const g = new Graph('toy');
  const feeds: Record<string, HostTensor> = {};
  const frozen = (name: string, dims: number[], scale = 0.5): Tensor => {
    const data = randomTensor(dims, random, -scale, scale).data as Float64Array;
    return g.initializer(name, { dtype, dims, data: dtype === 'float64' ? data : Float32Array.from(data) });
  };
  const lora: Tensor[] = [];
  const trainable = (name: string, dims: number[]): Tensor => {
    const t = g.input(name, dtype, dims);
    const data = randomTensor(dims, random, -0.5, 0.5).data as Float64Array;
    feeds[name] = { dtype, dims, data: dtype === 'float64' ? data : Float32Array.from(data) };
    lora.push(t);
    return t;
  };
  const project = (x: Tensor, prefix: string, module: string, dIn: number, dOut: number): Tensor => {
    const base = linear(g, x, frozen(`${prefix}.${module}.weight`, [dOut, dIn]));
    const a = trainable(`${prefix}.${module}.lora_A`, [TOY.rank, dIn]);
    const b = trainable(`${prefix}.${module}.lora_B`, [dOut, TOY.rank]);
    return g.add(base, g.mul(linear(g, linear(g, x, a), b), TOY.alpha / TOY.rank));
  };
  const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
  const labels = g.input('labels', 'int64', ['batch', 'seq']);
  let h = g.gather(frozen('model.embed_tokens.weight', [TOY.vocab, TOY.hidden], 1), ids, 0);
  const positions = positionsFromOffset(g, g.scalar(0, 'int64'), h);
  for (let layer = 0; layer < TOY.layers; layer++) {
    const prefix = `model.layers.${layer}`;
    const proj = (x: Tensor, i: number): Tensor => project(x, prefix, PROJECTIONS[i][0], PROJECTIONS[i][1], PROJECTIONS[i][2]);
    const normed = rmsNorm(g, h, frozen(`${prefix}.input_layernorm.weight`, [TOY.hidden]), 1e-6);
    const attention = groupedQueryAttention(g, proj(normed, 0), proj(normed, 1), proj(normed, 2), {
      numHeads: TOY.heads, numKvHeads: TOY.kvHeads, headDim: TOY.headDim,
      rope: { theta: 10000, layout: layer === 0 ? 'half' : 'interleaved', positions },
    });
    h = g.add(h, proj(attention.output, 3));
    const normed2 = rmsNorm(g, h, frozen(`${prefix}.post_attention_layernorm.weight`, [TOY.hidden]), 1e-6);
    h = g.add(h, proj(swiglu(g, proj(normed2, 4), proj(normed2, 5)), 6));
  }
  const logits = linear(g, rmsNorm(g, h, frozen('model.norm.weight', [TOY.hidden]), 1e-6), frozen('lm_head.weight', [TOY.vocab, TOY.hidden]));
  const { loss } = crossEntropy(g, logits, labels, { shift: true });
  feeds.input_ids = { dtype: 'int64', dims: [2, 5], data: BigInt64Array.from([1, 5, 2, 9, 3, 4, 4, 0, 10, 7].map(BigInt)) };
  feeds.labels = { dtype: 'int64', dims: [2, 5], data: BigInt64Array.from([-100, 5, 2, 9, 3, -100, -100, 0, 10, 7].map(BigInt)) };
  return { g, loss, lora, feeds };
}
