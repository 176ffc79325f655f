// Gradient rules of MatMul, Gemm and Softmax.
import { Graph } from '../graph';
import { intAttr, Tensor } from '../ir';
import { ifNeeded, inputOf, outputGrad, outputOf, transposeLastTwo, unbroadcast } from './helpers';
import { GradientContext, GradientRule } from './types';

/**
 * dA = dY B^T. With a 2-D weight B the batch is folded into rows and Gemm reads B transposed,
 * so a frozen weight is never copied or transposed.
 */
function matmulGradA(g: Graph, dy: Tensor, a: Tensor, b: Tensor): Tensor {
  if (b.rank === 2 && a.rank >= 2) {
    const rows = g.gemm(g.flattenToMatrix(dy), b, { transB: true });
    return g.reshapeLike(rows, a);
  }
  return unbroadcast(g, g.matmul(dy, transposeLastTwo(g, b)), a);
}

/** dB = A^T dY; with a 2-D B the sum over batch rows is a single Gemm (nothing materialised per batch). */
function matmulGradB(g: Graph, dy: Tensor, a: Tensor, b: Tensor): Tensor {
  if (b.rank === 2) return g.gemm(g.flattenToMatrix(a), g.flattenToMatrix(dy), { transA: true });
  return unbroadcast(g, g.matmul(transposeLastTwo(g, a), dy), b);
}

const matmulRule: GradientRule = (ctx) => {
  const [a, b, dy] = [inputOf(ctx, 0), inputOf(ctx, 1), outputGrad(ctx)];
  return [ifNeeded(ctx, 0, () => matmulGradA(ctx.g, dy, a, b)), ifNeeded(ctx, 1, () => matmulGradB(ctx.g, dy, a, b))];
};

/** Y = op(A) op(B) with op a optional transpose (no bias term is emitted by the engine). */
const gemmRule: GradientRule = (ctx) => {
  const { g, node } = ctx;
  if (node.inputs.length > 2) throw new Error(`Gemm node ${node.name}: gradient of the bias input C is not supported`);
  const transA = intAttr(node, 'transA', 0) === 1;
  const transB = intAttr(node, 'transB', 0) === 1;
  const [a, b, dy] = [inputOf(ctx, 0), inputOf(ctx, 1), outputGrad(ctx)];
  const da = ifNeeded(ctx, 0, () => (transA
    ? g.gemm(b, dy, { transA: transB, transB: true })
    : g.gemm(dy, b, { transB: !transB })));
  const db = ifNeeded(ctx, 1, () => (transB
    ? g.gemm(dy, a, { transA: true, transB: transA })
    : g.gemm(a, dy, { transA: !transA })));
  return [da, db];
};

/** dX = Y * (dY - sum(dY * Y)) along the softmax axis. */
const softmaxRule: GradientRule = (ctx: GradientContext) => {
  const { g, node } = ctx;
  const y = outputOf(ctx);
  const axis = intAttr(node, 'axis', -1);
  return [ifNeeded(ctx, 0, () => {
    const dy = outputGrad(ctx);
    const dot = g.reduceSum(g.mul(dy, y), [axis], true);
    return g.mul(y, g.sub(dy, dot));
  })];
};

export const linalgRules: Readonly<Record<string, GradientRule>> = Object.freeze({
  MatMul: matmulRule,
  Gemm: gemmRule,
  Softmax: softmaxRule,
});
