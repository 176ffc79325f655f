// One gradient check per op of the engine's rule table, keyed by op type (gradientRules.test.ts asserts the keys
// equal the registered rules, so a new rule cannot ship without a case). Richer variants live in rules*.test.ts.
import * as assert from 'node:assert/strict';
import { Graph, gradients, type HostTensor, type Tensor } from '../../../src/core/engine';
import { checkGradients, exactSession, int64Tensor, randomTensor, rng } from './gradcheck';

type Unary = (g: Graph, x: Tensor) => Tensor;
type Binary = (g: Graph, x: Tensor, y: Tensor) => Tensor;
export type GradientCase = () => Promise<unknown>;

export function binary(build: Binary, xDims: number[], yDims: number[], lo = -1, hi = 1): GradientCase {
  return async () => {
    const g = new Graph('case');
    const x = g.input('x', 'float64', xDims);
    const y = g.input('y', 'float64', yDims);
    const random = rng(xDims.length * 31 + yDims.length);
    const feeds: Record<string, HostTensor> = { x: randomTensor(xDims, random, lo, hi), y: randomTensor(yDims, random, lo, hi) };
    return checkGradients(g, build(g, x, y), feeds, [x, y]);
  };
}

function unary(build: Unary, dims: number[] = [2, 3], lo = -1, hi = 1): GradientCase {
  return async () => {
    const g = new Graph('case');
    const x = g.input('x', 'float64', dims);
    return checkGradients(g, build(g, x), { x: randomTensor(dims, rng(dims.length + 11), lo, hi) }, [x]);
  };
}

/** x times a value the op makes from x: the op itself must pass no gradient, so d/dx is just that value. */
const noGradient = (make: Unary): GradientCase => unary((g, x) => g.mul(x, g.cast(make(g, x), 'float64')));

/** Analytic gradients only (for StopGradient, where finite differences see through the stop by design). */
async function analytic(g: Graph, output: Tensor, feeds: Record<string, HostTensor>, wrt: Tensor[]): Promise<Float64Array[]> {
  const grads = gradients(g, g.reduceSum(output, undefined, false), wrt);
  grads.forEach((gr) => g.output(gr));
  const session = await exactSession(g);
  try {
    const out = await session.run(feeds);
    return grads.map((gr) => out[gr.name].data as Float64Array);
  } finally {
    await session.dispose();
  }
}

async function stopGradientCase(): Promise<void> {
  const g = new Graph('stop');
  const x = g.input('x', 'float64', [3]);
  const blocked = g.input('blocked', 'float64', [3]);
  const feeds = { x: randomTensor([3], rng(1)), blocked: randomTensor([3], rng(3)) };
  const [dBlocked] = await analytic(g, g.mul(g.stopGradient(blocked), x), feeds, [blocked]);
  assert.deepEqual(Array.from(dBlocked), [0, 0, 0]);
  const again = new Graph('stop-x');
  const x2 = again.input('x', 'float64', [3]);
  const b2 = again.input('blocked', 'float64', [3]);
  await checkGradients(again, again.add(again.mul(x2, x2), again.mul(again.stopGradient(b2), x2)), feeds, [x2]);
}

async function indexCase(build: (g: Graph, x: Tensor, idx: Tensor, u: Tensor) => Tensor): Promise<void> {
  const g = new Graph('index');
  const x = g.input('x', 'float64', [2, 4]);
  const u = g.input('u', 'float64', [2, 2]);
  const idx = g.input('idx', 'int64', [2, 2]);
  const random = rng(5);
  const feeds = { x: randomTensor([2, 4], random), u: randomTensor([2, 2], random), idx: int64Tensor([2, 2], [3, 0, 1, 2]) };
  await checkGradients(g, build(g, x, idx, u), feeds, [x, u]);
}

async function gatherCase(): Promise<void> {
  const g = new Graph('gather');
  const t = g.input('table', 'float64', [5, 3]);
  const ids = g.input('ids', 'int64', [2, 3]);
  await checkGradients(g, g.gather(t, ids, 0), { table: randomTensor([5, 3], rng(2)), ids: int64Tensor([2, 3], [1, 4, 1, 0, 1, 4]) }, [t]);
}

async function castCase(): Promise<void> {
  const g = new Graph('cast');
  const x = g.input('x', 'float64', [2, 3]);
  const out = g.cast(g.mul(g.cast(x, 'float32'), g.scalar(3, 'float32')), 'float64');
  await checkGradients(g, out, { x: randomTensor([2, 3], rng(3)) }, [x], { step: 1e-3, atol: 1e-5, rtol: 1e-4 });
}

export const GRADIENT_CASES: Readonly<Record<string, GradientCase>> = Object.freeze({
  Abs: unary((g, x) => g.abs(x)),
  Add: binary((g, x, y) => g.add(x, y), [2, 3], [3]),
  And: noGradient((g, x) => g.and(g.greater(x, -0.5), g.less(x, 0.5))),
  Cast: castCase,
  Clip: unary((g, x) => g.clip(x, -0.3, 0.4)),
  Concat: unary((g, x) => g.concat([x, g.exp(x)], 1)),
  ConstantOfShape: unary((g, x) => g.add(g.mul(x, x), g.constantOfShape(g.shapeOf(x), 2, 'float64', x.shape))),
  Cos: unary((g, x) => g.cos(x)),
  Div: binary((g, x, y) => g.div(x, y), [2, 3], [2, 3], 0.5, 2),
  Equal: noGradient((g, x) => g.equal(x, g.reduceMax(x, [1], true))),
  Exp: unary((g, x) => g.exp(x)),
  Expand: unary((g, x) => g.expand(x, [2, 3, 4]), [3, 1]),
  Gather: gatherCase,
  GatherElements: () => indexCase((g, x, idx) => g.gatherElements(x, idx, 1)),
  Gemm: binary((g, a, b) => g.gemm(a, b, { transA: true, transB: true }), [4, 3], [5, 4]),
  Greater: noGradient((g, x) => g.greater(x, 0)),
  GreaterOrEqual: noGradient((g, x) => g.greaterOrEqual(x, 0)),
  Identity: unary((g, x) => g.identity(x)),
  Less: noGradient((g, x) => g.less(x, 0)),
  LessOrEqual: noGradient((g, x) => g.lessOrEqual(x, 0)),
  Log: unary((g, x) => g.log(x), [2, 3], 0.5, 2),
  MatMul: binary((g, a, b) => g.matmul(a, b), [2, 3, 4], [4, 5]),
  Max: binary((g, x, y) => g.max(x, y), [2, 3], [3]),
  Min: binary((g, x, y) => g.min(x, y), [2, 3], [2, 1]),
  Mul: binary((g, x, y) => g.mul(x, y), [2, 1, 4], [3, 1]),
  Neg: unary((g, x) => g.neg(x)),
  Not: noGradient((g, x) => g.not(g.greater(x, 0))),
  Pow: binary((g, x, y) => g.pow(x, y), [2, 3], [3], 0.5, 2),
  Range: noGradient((g, x) => g.size(g.range(g.scalar(0, 'int64'), g.size(x), g.scalar(2, 'int64')))),
  Reciprocal: unary((g, x) => g.reciprocal(x), [2, 3], 0.5, 2),
  ReduceMax: unary((g, x) => g.reduceMax(x, [-1], true), [2, 3, 4]),
  ReduceMean: unary((g, x) => g.reduceMean(x, [0, 1], false), [2, 3, 4]),
  ReduceSum: unary((g, x) => g.reduceSum(x, [0, 2], false), [2, 3, 4]),
  Relu: unary((g, x) => g.relu(x)),
  Reshape: unary((g, x) => g.mul(g.reshape(x, [0, -1]), g.reshape(x, [2, 12])), [2, 3, 4]),
  ScatterElements: () => indexCase((g, x, idx, u) => g.scatterElements(g.exp(x), idx, u, 1)),
  Shape: noGradient((g, x) => g.reduceSum(g.shapeOf(x), undefined, false)),
  Sigmoid: unary((g, x) => g.sigmoid(x)),
  Sin: unary((g, x) => g.sin(x)),
  Size: noGradient((g, x) => g.size(x)),
  Slice: unary((g, x) => g.slice(x, { starts: [1, 0], ends: [3, -1], axes: [0, 2] }), [3, 2, 5]),
  Softmax: unary((g, x) => g.softmax(x, 1), [2, 3, 4]),
  Split: unary((g, x) => g.split(x, [1, 2], 1)[1], [2, 3]),
  Sqrt: unary((g, x) => g.sqrt(x), [2, 3], 0.5, 2),
  Squeeze: unary((g, x) => g.squeeze(g.exp(g.unsqueeze(x, [0])), [0])),
  StopGradient: stopGradientCase,
  Sub: binary((g, x, y) => g.sub(x, y), [], [2, 3]),
  Tanh: unary((g, x) => g.tanh(x)),
  TopK: unary((g, x) => g.topk(x, 2, -1).values, [2, 4]),
  Transpose: unary((g, x) => g.transpose(x, [2, 0, 1]), [2, 3, 4]),
  Unsqueeze: unary((g, x) => g.unsqueeze(x, [0, 3])),
  Where: binary((g, x, y) => g.where(g.greater(x, 0), g.mul(x, 2), y), [2, 3], [3]),
});
