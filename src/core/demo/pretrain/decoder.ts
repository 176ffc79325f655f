// The demo's base-model training graph: the model layer's LLaMA decoder with every weight a graph input,
// so full-parameter pre-training runs on the inference-only onnxruntime like any adapter training.
import { Graph, gradients } from '../../engine';
import type { ModelConfig } from '../../model/config';
import { buildDecoder, decoderLoss, inputWeights } from '../../model';

export interface DecoderTrainingGraph {
  graph: Graph;
  /** Input names of the weights; their gradients are the outputs in `gradNames`, same order. */
  weights: string[];
  gradNames: string[];
}

/** Loss over `labels` (Hugging Face shift, -100 ignored) and the gradient of every weight. */
export function buildDecoderTrainingGraph(config: ModelConfig): DecoderTrainingGraph {
  const g = new Graph('demo-pretrain');
  const { lookup, inputs } = inputWeights(g, config);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const labels = g.input('labels', 'int64', ['batch', 'seq']);
  const { logits } = buildDecoder(g, { config, weight: lookup, inputIds });
  const { loss } = decoderLoss(g, logits, labels);
  g.output(loss, 'loss');
  const names = [...inputs.keys()];
  const grads = gradients(g, loss, names.map((n) => inputs.get(n)!));
  grads.forEach((grad) => g.output(grad));
  return { graph: g, weights: names, gradNames: grads.map((t) => t.name) };
}
