// The router of a LoRA-MoE module, its own small piece: gate values per token and the load it puts on each expert.
import { Graph, linear, Tensor } from '../../engine';

export interface RouterOutput {
  /** [N, n] weight of each expert per token (zeros outside a token's top-k). */
  gates: Tensor;
  /** [N, n] full softmax of the router logits (the P of the balance loss). */
  probs: Tensor;
  /** [N, n] 1 where the expert is among the token's top-k (top-k routers only). */
  selected?: Tensor;
}

/** Dense softmax router (shared-a style): g = softmax(W_g x), every expert used by every token. */
export function denseRouter(g: Graph, x: Tensor, weight: Tensor): RouterOutput {
  const probs = g.softmax(linear(g, x, weight), -1);
  return { gates: probs, probs };
}

/**
 * Top-k router (independent style): softmax over the k largest logits, renormalised among them.
 * The selection is a one-hot sum built from TopK's indices (Equal against 0..n-1), so the only
 * differentiable path is through the selected logits' values — as in MoLA/MixLoRA.
 */
export function topKRouter(g: Graph, x: Tensor, weight: Tensor, k: number): RouterOutput {
  const n = Number(weight.shape[0]);
  const logits = linear(g, x, weight);
  const probs = g.softmax(logits, -1);
  if (k >= n) return { gates: probs, probs, selected: g.add(g.mul(probs, 0), 1) };
  const { values, indices } = g.topk(logits, k, -1);
  const topWeights = g.softmax(values, -1);
  const expertIds = g.int64s(Array.from({ length: n }, (_, i) => i));
  const oneHot = g.cast(g.equal(g.unsqueeze(indices, [-1]), expertIds), x.dtype);
  const gates = g.reduceSum(g.mul(g.unsqueeze(topWeights, [-1]), oneHot), [1], false);
  return { gates, probs, selected: g.reduceSum(oneHot, [1], false) };
}

/** Weighted mean over tokens: sum_t w_t v_t / sum_t w_t for v [N, n] and w [N] (plain mean without weights). */
export function tokenMean(g: Graph, values: Tensor, tokenWeight?: Tensor): Tensor {
  if (!tokenWeight) return g.reduceMean(values, [0], false);
  const weighted = g.reduceSum(g.mul(values, g.unsqueeze(tokenWeight, [-1])), [0], false);
  return g.div(weighted, g.max(g.reduceSum(tokenWeight, undefined, false), 1));
}

export interface RouterLoadTensors {
  /** [n] mean gate per expert. */
  meanGate: Tensor;
  /** [n] fraction of tokens that selected each expert (top-k; sums to k). */
  selection?: Tensor;
}

export function routerLoad(g: Graph, router: RouterOutput, tokenWeight?: Tensor): RouterLoadTensors {
  const meanGate = tokenMean(g, router.gates, tokenWeight);
  return router.selected ? { meanGate, selection: tokenMean(g, router.selected, tokenWeight) } : { meanGate };
}

/**
 * Switch-Transformer load balancing, coef * n * sum_i f_i * P_i, with f_i the share of the k*N
 * selections that went to expert i (constant: no gradient) and P_i the mean router probability.
 */
export function balanceLoss(g: Graph, router: RouterOutput, k: number, coef: number, tokenWeight?: Tensor): Tensor {
  if (!router.selected) throw new Error('balanceLoss needs a top-k router');
  const n = Number(router.probs.shape[1]);
  const f = g.mul(g.stopGradient(tokenMean(g, router.selected, tokenWeight)), 1 / k);
  const p = tokenMean(g, router.probs, tokenWeight);
  return g.mul(g.reduceSum(g.mul(f, p), undefined, false), coef * n);
}
