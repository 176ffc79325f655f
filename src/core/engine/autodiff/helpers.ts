// Building blocks shared by the gradient rules.
import { Graph } from '../graph';
import { Tensor } from '../ir';
import { sameShape } from '../opsShape';
import { broadcastAxes } from '../shapes';
import { GradientContext, GradientRule } from './types';

/** The rule for ops that pass no gradient to any input (comparisons, shapes, stop-gradient). */
export const NO_GRADIENT: GradientRule = (ctx) => ctx.node.inputs.map(() => undefined);

/** Input i of the node (throws if the optional input is absent). */
export function inputOf(ctx: GradientContext, i: number): Tensor {
  const t = ctx.node.inputs[i];
  if (!t) throw new Error(`${ctx.node.opType} node ${ctx.node.name}: input ${i} is absent`);
  return ctx.forwardValue ? ctx.forwardValue(t) : t;
}

/** Output i of the node as the backward pass reads it (a recomputed copy inside a recompute segment). */
export function outputOf(ctx: GradientContext, i = 0): Tensor {
  const t = ctx.node.outputs[i];
  return ctx.forwardValue ? ctx.forwardValue(t) : t;
}

/** Gradient of the (single) output. */
export function outputGrad(ctx: GradientContext, i = 0): Tensor {
  const d = ctx.dOutputs[i];
  if (!d) throw new Error(`${ctx.node.opType} node ${ctx.node.name}: no gradient reached output ${i}`);
  return d;
}

/** Runs `compute` only for inputs that need a gradient. */
export function ifNeeded(ctx: GradientContext, i: number, compute: () => Tensor): Tensor | undefined {
  return ctx.needs[i] ? compute() : undefined;
}

/**
 * Sums `grad` over the axes along which `target` was broadcast so that it takes target's shape:
 * leading extra axes are reduced and squeezed, stretched size-1 axes are reduced and kept.
 */
export function unbroadcast(g: Graph, grad: Tensor, target: Tensor): Tensor {
  if (sameShape(grad.shape, target.shape)) return grad;
  const { leading, stretched } = broadcastAxes(target.shape, grad.shape);
  const axes = [...leading, ...stretched];
  if (axes.length === 0) return grad;
  const summed = g.reduceSum(grad, axes, true);
  return leading.length > 0 ? g.squeeze(summed, leading) : summed;
}

/** x with its last two axes swapped. */
export function transposeLastTwo(g: Graph, x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return g.transpose(x, perm);
}

/** A bool mask as 0/1 in the dtype of `like`. */
export function maskAsNumber(g: Graph, mask: Tensor, like: Tensor): Tensor {
  return g.cast(mask, like.dtype);
}

/** Values of a constant int64 input (axes, starts, split sizes...); throws if it is computed at run time. */
export function constantInts(ctx: GradientContext, i: number): number[] {
  const t = inputOf(ctx, i);
  const source = ctx.g.initializers.get(t);
  if (!source || !('data' in source)) {
    throw new Error(`${ctx.node.opType} node ${ctx.node.name}: input ${i} (${t.name}) must be a constant for its gradient`);
  }
  return Array.from(source.data as ArrayLike<number | bigint>, Number);
}
