// The probe graph: decoder forward with every target's input x and output y captured, the loss as a sum of
// per-example means (so dL/dy at example b's tokens is b's own delta), gradients w.r.t. every y, and one
// [M, B] tensor of per-module per-example squared norms ||dL_b/dW_m||_F^2.
import { backward, crossEntropy, Graph, type Tensor } from '../engine';
import type { ModelConfig } from '../model/config';
import { buildDecoder } from '../model/decoder/decoder';
import type { ProjectionAdapter } from '../model/decoder/layer';
import type { WeightLookup } from '../model/decoder/weightSource';
import { directNormSquared, ghostNormSquared, gram, type NormMethod } from './norms';
import type { ProbeTarget } from './targets';

export const INPUT_IDS = 'input_ids';
export const LABELS = 'labels';
export const NORMS = 'norms';

/** Builds logits [batch, seq, vocab] from int64 ids [batch, seq], calling `hook` on every projection (the model's hook type). */
export type ProbeForward = (g: Graph, inputIds: Tensor, hook: ProjectionAdapter) => Tensor;

/**
 * The decoder of src/core/model with its frozen weights from `weights` (initializers of the graph).
 * No attention mask: with right padding and causal attention no real token ever sees a pad, and pads have delta 0.
 */
export function decoderForward(config: ModelConfig, weights: (g: Graph) => WeightLookup, options: { recompute?: boolean } = {}): ProbeForward {
  return (g, inputIds, hook) => buildDecoder(g, {
    config, weight: weights(g), inputIds, adapt: hook, recompute: options.recompute,
  }).logits;
}

function captureTargets(g: Graph, forward: ProbeForward, targets: readonly ProbeTarget[], inputIds: Tensor) {
  const wanted = new Set(targets.map((t) => t.name));
  const captured = new Map<string, { x: Tensor; y: Tensor }>();
  const logits = forward(g, inputIds, ({ name, input, output }) => {
    if (wanted.has(name)) captured.set(name, { x: input, y: output });
    return output;
  });
  const missing = targets.filter((t) => !captured.has(t.name)).map((t) => t.name);
  if (missing.length > 0) throw new Error(`the model has no projection ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`);
  return { logits, captured: targets.map((t) => captured.get(t.name) as { x: Tensor; y: Tensor }) };
}

/** Ghost norms that share the Gram matrix x x^T between projections of the same input (q/k/v, gate/up). */
function ghostWithSharedGram(g: Graph): (x: Tensor, delta: Tensor) => Tensor {
  const grams = new Map<Tensor, Tensor>();
  return (x, delta) => {
    let gramX = grams.get(x);
    if (!gramX) grams.set(x, (gramX = gram(g, x)));
    return ghostNormSquared(g, x, delta, gramX);
  };
}

/** The whole probe graph for one method assignment (`methods[m]` for `targets[m]`); output NORMS [M, batch]. */
export function buildProbeGraph(forward: ProbeForward, targets: readonly ProbeTarget[], methods: readonly NormMethod[], options: { scoredRowsOnly?: boolean } = {}): Graph {
  if (methods.length !== targets.length) throw new Error(`${methods.length} methods for ${targets.length} targets`);
  const g = new Graph('sensitivity_probe');
  const inputIds = g.input(INPUT_IDS, 'int64', ['batch', 'seq']);
  const labels = g.input(LABELS, 'int64', ['batch', 'seq']);
  const { logits, captured } = captureTargets(g, forward, targets, inputIds);
  const { loss } = crossEntropy(g, logits, labels, { shift: true, reduction: 'sumOfExampleMeans', scoredRowsOnly: options.scoredRowsOnly });
  // With recomputed layers, x is read from the layer's backward copy (forwardValue), so the forward x dies early.
  const { grads: deltas, forwardValue } = backward(g, loss, captured.map((c) => c.y));
  const ghost = ghostWithSharedGram(g);
  const rows = captured.map(({ x: forwardX }, m) => {
    const x = forwardValue(forwardX);
    const perExample = methods[m] === 'ghost' ? ghost(x, deltas[m]) : directNormSquared(g, x, deltas[m]);
    return g.unsqueeze(perExample, [0]);
  });
  g.output(rows.length === 1 ? rows[0] : g.concat(rows, 0), NORMS);
  return g;
}
