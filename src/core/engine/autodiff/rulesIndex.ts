// Gradient rules of reductions and indexing ops (gather/scatter/top-k).
import { Graph } from '../graph';
import { intAttr, Tensor } from '../ir';
import { inversePermutation, staticSize } from '../shapes';
import { constantInts, ifNeeded, inputOf, maskAsNumber, outputGrad, outputOf } from './helpers';
import { GradientContext, GradientRule } from './types';

/** dY with the reduced axes restored as size 1, ready to broadcast against x. */
function keptDims(ctx: GradientContext): Tensor {
  const dy = outputGrad(ctx);
  return intAttr(ctx.node, 'keepdims', 1) === 1 ? dy : ctx.g.unsqueeze(dy, constantInts(ctx, 1));
}

const reduceSumRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => ctx.g.expandLike(keptDims(ctx), inputOf(ctx, 0))), undefined];

const reduceMeanRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => {
  const { g } = ctx;
  const x = inputOf(ctx, 0);
  const spread = g.expandLike(keptDims(ctx), x);
  return g.div(spread, reducedCount(g, x, outputOf(ctx)));
}), undefined];

/** Elements averaged per output, a constant when the reduced dims are static. */
function reducedCount(g: Graph, x: Tensor, y: Tensor): Tensor {
  const inSize = staticSize(x.shape);
  const outSize = staticSize(y.shape);
  if (inSize !== undefined && outSize !== undefined) return g.scalar(inSize / outSize, x);
  return g.cast(g.div(g.size(x), g.size(y)), x.dtype);
}

/** The gradient goes to the maximal entries, shared equally between ties. */
const reduceMaxRule: GradientRule = (ctx) => [ifNeeded(ctx, 0, () => {
  const { g, node } = ctx;
  const x = inputOf(ctx, 0);
  const axes = constantInts(ctx, 1);
  const y = intAttr(node, 'keepdims', 1) === 1 ? outputOf(ctx) : g.unsqueeze(outputOf(ctx), axes);
  const mask = maskAsNumber(g, g.equal(x, y), x);
  const share = g.div(mask, g.reduceSum(mask, axes, true));
  return g.mul(share, keptDims(ctx));
}), undefined];

/** Scatter-add of dY back into the rows that were gathered (repeated indices accumulate). */
const gatherRule: GradientRule = (ctx) => {
  const axis = intAttr(ctx.node, 'axis', 0);
  return [ifNeeded(ctx, 0, () => gatherGrad(ctx.g, inputOf(ctx, 0), inputOf(ctx, 1), outputGrad(ctx), axis)), undefined];
};

function gatherGrad(g: Graph, data: Tensor, indices: Tensor, dy: Tensor, axis: number): Tensor {
  const idx = g.unsqueeze(indices, [-1]);
  if (axis === 0) return g.scatterND(g.zerosLike(data), idx, dy, 'add');
  // ScatterND indexes leading axes, so scatter into data with `axis` moved to the front.
  const perm = [axis, ...data.shape.map((_, i) => i).filter((i) => i !== axis)];
  const q = indices.rank;
  const dyPerm = [
    ...Array.from({ length: q }, (_, i) => axis + i),
    ...Array.from({ length: axis }, (_, i) => i),
    ...Array.from({ length: dy.rank - axis - q }, (_, i) => axis + q + i),
  ];
  const movedShape = perm.map((p) => data.shape[p]);
  const shape = data.isStatic ? g.int64s(movedShape as number[]) : g.gather(g.shapeOf(data), g.int64s(perm), 0);
  const zeros = g.constantOfShape(shape, 0, data.dtype, movedShape);
  const scattered = g.scatterND(zeros, idx, g.transpose(dy, dyPerm), 'add');
  return g.transpose(scattered, inversePermutation(perm));
}

const gatherElementsRule: GradientRule = (ctx) => {
  const { g, node } = ctx;
  const dx = ifNeeded(ctx, 0, () => g.scatterElements(g.zerosLike(inputOf(ctx, 0)), inputOf(ctx, 1), outputGrad(ctx), intAttr(node, 'axis', 0), 'add'));
  return [dx, undefined];
};

/** Overwritten positions of `data` get no gradient (reduction 'none'); updates read theirs back. */
const scatterElementsRule: GradientRule = (ctx) => {
  const { g, node } = ctx;
  const axis = intAttr(node, 'axis', 0);
  const adds = node.attrs.reduction?.type === 'string' && node.attrs.reduction.value === 'add';
  const dy = outputGrad(ctx);
  const indices = inputOf(ctx, 1);
  const dData = ifNeeded(ctx, 0, () => (adds ? dy : g.scatterElements(dy, indices, g.zerosLike(inputOf(ctx, 2)), axis)));
  const dUpdates = ifNeeded(ctx, 2, () => g.gatherElements(dy, indices, axis));
  return [dData, undefined, dUpdates];
};

/** dValues scattered back to where the top-k values came from; indices carry no gradient. */
const topkRule: GradientRule = (ctx) => {
  const { g, node } = ctx;
  const dValues = ctx.dOutputs[0];
  const dx = dValues && ctx.needs[0]
    ? g.scatterElements(g.zerosLike(inputOf(ctx, 0)), outputOf(ctx, 1), dValues, intAttr(node, 'axis', -1))
    : undefined;
  return [dx, undefined];
};

export const indexRules: Readonly<Record<string, GradientRule>> = Object.freeze({
  ReduceSum: reduceSumRule,
  ReduceMean: reduceMeanRule,
  ReduceMax: reduceMaxRule,
  Gather: gatherRule,
  GatherElements: gatherElementsRule,
  ScatterElements: scatterElementsRule,
  TopK: topkRule,
});
