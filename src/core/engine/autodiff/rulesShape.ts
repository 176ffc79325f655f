// Gradient rules of data-movement ops: the gradient moves back the same way.
import { Graph } from '../graph';
import { Dim, intAttr, intsAttr, Tensor } from '../ir';
import { TO_END } from '../opsShape';
import { inversePermutation, normalizeAxis, staticSize } from '../shapes';
import { constantInts, ifNeeded, inputOf, outputGrad, outputOf, unbroadcast } from './helpers';
import { GradientContext, GradientRule } from './types';

const reshapeRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => ctx.g.reshapeLike(outputGrad(ctx), inputOf(ctx, 0))), undefined];

const transposeRule: GradientRule = (ctx) => {
  const perm = intsAttr(ctx.node, 'perm') ?? inputOf(ctx, 0).shape.map((_, i, s) => s.length - 1 - i);
  return [ifNeeded(ctx, 0, () => ctx.g.transpose(outputGrad(ctx), inversePermutation(perm)))];
};

const unsqueezeRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => ctx.g.squeeze(outputGrad(ctx), constantInts(ctx, 1))), undefined];

const squeezeRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => ctx.g.unsqueeze(outputGrad(ctx), constantInts(ctx, 1))), undefined];

const expandRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => unbroadcast(ctx.g, outputGrad(ctx), inputOf(ctx, 0))), undefined];

/** Each input gets its part of dY back, by one Split (sizes read at run time when symbolic). */
const concatRule: GradientRule = (ctx) => {
  const { g, node } = ctx;
  const parts = node.inputs as Tensor[];
  const axis = intAttr(node, 'axis');
  const dy = outputGrad(ctx);
  const sizes = parts.map((p) => p.shape[axis]);
  const pieces = staticSize(sizes) !== undefined
    ? g.split(dy, sizes as number[], axis)
    : g.splitBy(dy, g.concat(parts.map((p) => g.slice(g.shapeOf(p), { starts: [axis], ends: [axis + 1] })), 0), axis, parts.map((p) => p.shape));
  return pieces.map((piece, i) => (ctx.needs[i] ? piece : undefined));
};

/** Gradients of the outputs that reached the loss, zeros for the others, concatenated back. */
const splitRule: GradientRule = (ctx) => {
  const { g, node } = ctx;
  const pieces = node.outputs.map((_, i) => ctx.dOutputs[i] ?? g.zerosLike(outputOf(ctx, i)));
  const dx = ifNeeded(ctx, 0, () => g.concat(pieces, intAttr(node, 'axis', 0)));
  return [dx, ...node.inputs.slice(1).map(() => undefined)];
};

/** Zero-pads dY back into x's shape (unit steps only). */
const sliceRule: GradientRule = (ctx) => {
  const x = inputOf(ctx, 0);
  const dx = ifNeeded(ctx, 0, () => ctx.g.pad(outputGrad(ctx), slicePads(ctx, x), x.shape));
  return [dx, ...ctx.node.inputs.slice(1).map(() => undefined)];
};

interface AxisPad { before: number; after: number; beforeTakesRest: boolean }

/**
 * Pads per axis. With a static dim both sides are numbers; with a symbolic dim one side is known
 * (start >= 0, or an end counted from the back) and the other takes the rest, dim(x) - dim(dY),
 * computed at run time.
 */
function slicePads(ctx: GradientContext, x: Tensor): Tensor {
  const { g } = ctx;
  const starts = constantInts(ctx, 1);
  const ends = constantInts(ctx, 2);
  const axes = ctx.node.inputs[3] ? constantInts(ctx, 3) : starts.map((_, i) => i);
  const steps = ctx.node.inputs[4] ? constantInts(ctx, 4) : axes.map(() => 1);
  if (steps.some((s) => s !== 1)) throw new Error(`Slice node ${ctx.node.name}: gradient supports unit steps only`);
  const pads: AxisPad[] = x.shape.map(() => ({ before: 0, after: 0, beforeTakesRest: false }));
  axes.forEach((axis, i) => {
    const a = normalizeAxis(axis, x.rank);
    pads[a] = axisPad(x.shape[a], starts[i], ends[i], ctx.node.name);
  });
  const symbolic = axes.some((axis) => typeof x.shape[normalizeAxis(axis, x.rank)] !== 'number');
  if (!symbolic) return g.int64s([...pads.map((p) => p.before), ...pads.map((p) => p.after)]);
  return runtimePads(g, x, outputGrad(ctx), pads);
}

function axisPad(dim: Dim, start: number, end: number, nodeName: string): AxisPad {
  if (typeof dim === 'number') {
    const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const s = norm(start);
    const e = Math.max(norm(end), s);
    return { before: s, after: dim - e, beforeTakesRest: false };
  }
  if (start >= 0) return { before: start, after: 0, beforeTakesRest: false };
  if (end === TO_END || end < 0) return { before: 0, after: end === TO_END ? 0 : -end, beforeTakesRest: true };
  throw new Error(`Slice node ${nodeName}: gradient cannot place a negative start with a positive end on symbolic dim '${dim}'`);
}

/** before = c_b + m_b * rest, after = c_a + m_a * rest, with rest = shape(x) - shape(dY). */
function runtimePads(g: Graph, x: Tensor, dy: Tensor, pads: AxisPad[]): Tensor {
  const rest = g.sub(g.shapeOf(x), g.shapeOf(dy));
  const before = g.add(g.int64s(pads.map((p) => (p.beforeTakesRest ? -p.after : p.before))),
    g.mul(g.int64s(pads.map((p) => (p.beforeTakesRest ? 1 : 0))), rest));
  const after = g.add(g.int64s(pads.map((p) => (p.beforeTakesRest ? p.after : -p.before))),
    g.mul(g.int64s(pads.map((p) => (p.beforeTakesRest ? 0 : 1))), rest));
  return g.concat([before, after], 0);
}

export const shapeRules: Readonly<Record<string, GradientRule>> = Object.freeze({
  Reshape: reshapeRule,
  Transpose: transposeRule,
  Unsqueeze: unsqueezeRule,
  Squeeze: squeezeRule,
  Expand: expandRule,
  Concat: concatRule,
  Split: splitRule,
  Slice: sliceRule,
});
