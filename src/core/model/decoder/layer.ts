// One LLaMA decoder layer: RMSNorm -> attention (RoPE, GQA, causal, KV cache) -> residual -> RMSNorm -> SwiGLU -> residual.
import { groupedQueryAttention, linear, rmsNorm, swiglu, type Graph, type Tensor } from '../../engine';
import { moduleName, ropeInverseFrequencies, type ModelConfig, type ModuleType } from '../config';
import { inputNormName, postAttentionNormName } from '../weights';
import type { WeightLookup } from './weightSource';

/** What an adapter hook sees of one projection: y = W x (+ b) before any adapter. */
export interface ProjectionContext {
  layer: number;
  type: ModuleType;
  /** HF module name, e.g. `model.layers.3.self_attn.q_proj`. */
  name: string;
  input: Tensor;
  output: Tensor;
  graph: Graph;
}

/** Returns the projection's output to use: `ctx.output` unchanged, or a replacement (e.g. W x + LoRA-MoE(x)). */
export type ProjectionAdapter = (ctx: ProjectionContext) => Tensor;

export interface LayerOptions {
  layer: number;
  config: ModelConfig;
  weight: WeightLookup;
  /** int64 positions [T] (or [batch, T]) of this step's tokens. */
  positions: Tensor;
  /** This layer's cached keys/values [batch, numKvHeads, past, headDim]. */
  past?: { key: Tensor; value: Tensor };
  /** Additive mask broadcastable to [batch, heads, T, past + T] (0 keep, large negative drop). */
  additiveMask?: Tensor;
  adapt?: ProjectionAdapter;
}

export interface LayerResult {
  hidden: Tensor;
  presentKey: Tensor;
  presentValue: Tensor;
}

const BIASED: readonly ModuleType[] = ['q_proj', 'k_proj', 'v_proj'];

export function decoderLayer(g: Graph, h: Tensor, options: LayerOptions): LayerResult {
  const { layer, config, weight } = options;
  const project = (x: Tensor, type: ModuleType): Tensor => {
    const name = moduleName(layer, type);
    const bias = config.attentionBias && BIASED.includes(type) ? weight(`${name}.bias`) : undefined;
    const output = linear(g, x, weight(`${name}.weight`), { bias });
    return options.adapt ? options.adapt({ layer, type, name, input: x, output, graph: g }) : output;
  };
  const x = rmsNorm(g, h, weight(inputNormName(layer)), config.rmsNormEps);
  const attention = groupedQueryAttention(g, project(x, 'q_proj'), project(x, 'k_proj'), project(x, 'v_proj'), {
    numHeads: config.numHeads, numKvHeads: config.numKvHeads, headDim: config.headDim,
    rope: { theta: config.ropeTheta, layout: config.ropeLayout, positions: options.positions, inverseFrequencies: config.ropeScaling ? ropeInverseFrequencies(config) : undefined },
    past: options.past,
    additiveMask: options.additiveMask,
  });
  const mid = g.add(h, project(attention.output, 'o_proj'));
  const y = rmsNorm(g, mid, weight(postAttentionNormName(layer)), config.rmsNormEps);
  const hidden = g.add(mid, project(swiglu(g, project(y, 'gate_proj'), project(y, 'up_proj')), 'down_proj'));
  return { hidden, presentKey: attention.presentKey, presentValue: attention.presentValue };
}
