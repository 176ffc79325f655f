// The demo's base-model training graph: a LLaMA decoder whose every weight is a graph input, so
// full-parameter pre-training runs on the inference-only onnxruntime like any adapter training.
import {
  crossEntropy, Graph, gradients, groupedQueryAttention, linear, positionsFromOffset, rmsNorm, swiglu, type Tensor,
} from '../../engine';
import { MODULE_TYPES, moduleName, moduleShape, type ModelConfig } from '../../model/config';

export interface WeightSpec {
  name: string;
  dims: number[];
  /** 'norm' weights start at one; 'matrix' and 'embedding' weights are random. */
  role: 'norm' | 'matrix' | 'embedding';
}

/** Every tensor of the Hugging Face LLaMA checkpoint, with its [out, in] shape. */
export function weightSpecs(config: ModelConfig): WeightSpec[] {
  const d = config.hiddenSize;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', dims: [config.vocabSize, d], role: 'embedding' }];
  for (let layer = 0; layer < config.numLayers; layer++) {
    specs.push({ name: `model.layers.${layer}.input_layernorm.weight`, dims: [d], role: 'norm' });
    specs.push({ name: `model.layers.${layer}.post_attention_layernorm.weight`, dims: [d], role: 'norm' });
    for (const type of MODULE_TYPES) {
      const { dIn, dOut } = moduleShape(config, type);
      specs.push({ name: `${moduleName(layer, type)}.weight`, dims: [dOut, dIn], role: 'matrix' });
    }
  }
  specs.push({ name: 'model.norm.weight', dims: [d], role: 'norm' });
  if (!config.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', dims: [config.vocabSize, d], role: 'matrix' });
  return specs;
}

export interface DecoderTrainingGraph {
  graph: Graph;
  /** Input names of the weights, in weightSpecs order; their gradients are outputs `<name>_grad`. */
  weights: string[];
  gradNames: string[];
}

export function decoderLayer(g: Graph, h: Tensor, layer: number, config: ModelConfig, w: (name: string) => Tensor, positions: Tensor): Tensor {
  const proj = (x: Tensor, type: (typeof MODULE_TYPES)[number]) => linear(g, x, w(`${moduleName(layer, type)}.weight`));
  const eps = config.rmsNormEps;
  const x = rmsNorm(g, h, w(`model.layers.${layer}.input_layernorm.weight`), eps);
  const attention = groupedQueryAttention(g, proj(x, 'q_proj'), proj(x, 'k_proj'), proj(x, 'v_proj'), {
    numHeads: config.numHeads, numKvHeads: config.numKvHeads, headDim: config.headDim,
    rope: { theta: config.ropeTheta, layout: config.ropeLayout, positions },
  });
  const mid = g.add(h, proj(attention.output, 'o_proj'));
  const y = rmsNorm(g, mid, w(`model.layers.${layer}.post_attention_layernorm.weight`), eps);
  return g.add(mid, proj(swiglu(g, proj(y, 'gate_proj'), proj(y, 'up_proj')), 'down_proj'));
}

/** Loss over `labels` (Hugging Face shift, -100 ignored) and the gradient of every weight. */
export function buildDecoderTrainingGraph(config: ModelConfig): DecoderTrainingGraph {
  const g = new Graph('demo-pretrain');
  const tensors = new Map<string, Tensor>();
  for (const spec of weightSpecs(config)) tensors.set(spec.name, g.input(spec.name, 'float32', spec.dims));
  const w = (name: string) => tensors.get(name) as Tensor;
  const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
  const labels = g.input('labels', 'int64', ['batch', 'seq']);
  let h = g.gather(w('model.embed_tokens.weight'), ids, 0);
  const positions = positionsFromOffset(g, g.scalar(0, 'int64'), h);
  for (let layer = 0; layer < config.numLayers; layer++) h = decoderLayer(g, h, layer, config, w, positions);
  const head = w(config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  const logits = linear(g, rmsNorm(g, h, w('model.norm.weight'), config.rmsNormEps), head);
  const { loss } = crossEntropy(g, logits, labels, { shift: true });
  g.output(loss, 'loss');
  const names = [...tensors.keys()];
  const grads = gradients(g, loss, names.map(w));
  grads.forEach((grad) => g.output(grad));
  return { graph: g, weights: names, gradNames: grads.map((t) => t.name) };
}
