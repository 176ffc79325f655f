// Reverse-mode accumulation over the nodes that lie between the requested tensors and the loss.
import { isDifferentiable } from '../dtypes';
import { Graph } from '../graph';
import { Node, Tensor } from '../ir';
import { recomputer, recomputeSegmentsOf } from './recompute';
import { gradientRuleFor } from './ruleTable';

export interface GradientOptions {
  /** dLoss/dLoss; defaults to ones (a non-scalar loss is then summed). */
  seed?: Tensor;
  /**
   * Backward uses of `Cast(initializer)` (a 16-bit weight up-cast to float32) get their own Cast (default true):
   * otherwise every layer's float32 copy stays alive from the forward to the backward pass, a whole-model copy.
   */
  recastWeights?: boolean;
  /**
   * Read the forward values of registered recompute segments (registerRecomputeSegment, e.g. decoder layers built
   * with `recompute`) from a copy computed during the backward pass (default true; false keeps the forward values).
   */
  recompute?: boolean;
}

export interface Backward {
  /** d`loss`/d`x` for each requested tensor, as `gradients` returns them. */
  grads: Tensor[];
  /**
   * A forward value as the backward pass reads it (a recomputed copy inside a recompute segment, a fresh up-cast of a
   * stored weight, else the value itself): code that combines forward values with the gradients (e.g. per-example
   * norms from a projection's input and its output's gradient) reads them through this to keep the memory saving.
   */
  forwardValue: (t: Tensor) => Tensor;
}

/**
 * Appends the backward graph and returns d`loss`/d`x` for each requested tensor `x`, named
 * `x_grad`. Any tensor may be requested: graph inputs (e.g. trainable LoRA weights), initializers
 * or intermediate values (e.g. a projection output). A tensor the loss does not depend on gets zeros.
 * Only nodes on a path from a requested tensor to the loss get gradient nodes; a tensor used
 * several times accumulates its gradients with one Sum.
 */
export function gradients(g: Graph, loss: Tensor, wrt: readonly Tensor[], options: GradientOptions = {}): Tensor[] {
  return backward(g, loss, wrt, options).grads;
}

/** `gradients`, plus the backward pass's view of forward values. */
export function backward(g: Graph, loss: Tensor, wrt: readonly Tensor[], options: GradientOptions = {}): Backward {
  for (const t of [loss, ...wrt]) {
    if (!isDifferentiable(t.dtype)) throw new Error(`gradients: ${t.name} is ${t.dtype}; only float32/float64 tensors have gradients`);
  }
  const forwardNodes = [...g.nodes];
  const leadsToLoss = ancestorsOf(loss);
  const dependsOnWrt = dependentsOf(forwardNodes, wrt);
  const acc = new GradientAccumulator(g, new Set(wrt));
  acc.add(loss, options.seed ?? ones(g, loss));
  const forwardValue = forwardValuesOf(g, options, acc);
  for (let k = forwardNodes.length - 1; k >= 0; k--) {
    const node = forwardNodes[k];
    if (!node.outputs.some((o) => leadsToLoss.has(o))) continue;
    const needs = node.inputs.map((t) => t !== undefined && dependsOnWrt.has(t) && isDifferentiable(t.dtype));
    if (needs.some(Boolean)) backpropagate(g, node, needs, acc, forwardValue);
  }
  return { grads: wrt.map((x) => acc.total(x) ?? acc.name(x, g.zerosLike(x))), forwardValue };
}

/** How the backward pass reads forward values: recomputed copies in recompute segments, fresh up-casts of weights. */
function forwardValuesOf(g: Graph, options: GradientOptions, acc: GradientAccumulator): (t: Tensor) => Tensor {
  const recast = options.recastWeights === false ? (t: Tensor) => t : recaster(g);
  const segments = options.recompute === false ? [] : recomputeSegmentsOf(g);
  return segments.length > 0 ? recomputer(g, segments, (t) => acc.total(t), recast) : recast;
}

/** Backward copies of up-cast initializers, one per forward Cast (see GradientOptions.recastWeights). */
function recaster(g: Graph): (t: Tensor) => Tensor {
  const copies = new Map<Tensor, Tensor>();
  return (t) => {
    const producer = t.producer;
    if (producer?.opType !== 'Cast' || producer.inputs[0]?.kind !== 'initializer') return t;
    let copy = copies.get(t);
    if (!copy) copies.set(t, (copy = g.cast(producer.inputs[0], t.dtype)));
    return copy;
  };
}

function backpropagate(g: Graph, node: Node, needs: boolean[], acc: GradientAccumulator, forwardValue: (t: Tensor) => Tensor): void {
  const dOutputs = node.outputs.map((o) => acc.total(o));
  if (dOutputs.every((d) => d === undefined)) return;
  const rule = gradientRuleFor(node.opType, node.name);
  const grads = g.rootScope(`${node.name}_grad`, () => rule({ g, node, dOutputs, needs, forwardValue }));
  grads.forEach((grad, i) => {
    const input = node.inputs[i];
    if (grad && input && needs[i]) acc.add(input, checked(grad, input, node, i));
  });
}

/** Catches rule bugs early: a gradient has its input's dtype and (where static) shape. */
function checked(grad: Tensor, input: Tensor, node: Node, i: number): Tensor {
  const sameDims = grad.rank === input.rank && grad.shape.every((d, j) => {
    const e = input.shape[j];
    return typeof d !== 'number' || typeof e !== 'number' || d === e;
  });
  if (grad.dtype !== input.dtype || !sameDims) {
    throw new Error(`gradient rule for ${node.opType} (node ${node.name}) gave ${grad.dtype} [${grad.shape}] for input ${i} ${input.name}: ${input.dtype} [${input.shape}]`);
  }
  return grad;
}

function ones(g: Graph, like: Tensor): Tensor {
  return like.rank === 0 ? g.scalar(1, like) : g.constantOfShape(g.shapeOf(like), 1, like.dtype, like.shape);
}

/** Tensors from which `loss` can be reached. */
function ancestorsOf(loss: Tensor): Set<Tensor> {
  const seen = new Set<Tensor>();
  const stack = [loss];
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (seen.has(t)) continue;
    seen.add(t);
    for (const input of t.producer?.inputs ?? []) if (input) stack.push(input);
  }
  return seen;
}

/** Tensors computed from at least one of `roots` (roots included); nodes are in topological order. */
function dependentsOf(nodes: readonly Node[], roots: readonly Tensor[]): Set<Tensor> {
  const seen = new Set<Tensor>(roots);
  for (const node of nodes) {
    if (node.inputs.some((t) => t !== undefined && seen.has(t))) node.outputs.forEach((o) => seen.add(o));
  }
  return seen;
}

/** Collects gradient contributions per tensor and sums each tensor's once, when first read. */
class GradientAccumulator {
  private readonly parts = new Map<Tensor, Tensor[]>();
  private readonly totals = new Map<Tensor, Tensor>();

  constructor(private readonly g: Graph, private readonly requested: ReadonlySet<Tensor>) {}

  add(t: Tensor, grad: Tensor): void {
    if (this.totals.has(t)) throw new Error(`internal: gradient of ${t.name} received after it was summed`);
    const list = this.parts.get(t) ?? [];
    list.push(grad);
    this.parts.set(t, list);
  }

  /** The summed gradient of t (undefined when nothing reached it). */
  total(t: Tensor): Tensor | undefined {
    const cached = this.totals.get(t);
    if (cached) return cached;
    const list = this.parts.get(t);
    if (!list) return undefined;
    let total = list.length > 1 ? this.g.sum(...list) : list[0];
    if (list.length > 1 || this.requested.has(t)) {
      total = this.name(t, list.length > 1 ? total : this.g.identity(total));
    }
    this.totals.set(t, total);
    return total;
  }

  /** Names a gradient tensor `<t>_grad` (with a counter if a previous call used the name). */
  name(t: Tensor, grad: Tensor): Tensor {
    let name = `${t.name}_grad`;
    for (let k = 1; this.g.isNameUsed(name); k++) name = `${t.name}_grad_${k}`;
    return this.g.rename(grad, name);
  }
}
