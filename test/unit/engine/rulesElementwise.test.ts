// Every element-wise gradient rule against central finite differences in float64.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { EngineSession, Graph, Tensor } from '../../../src/core/engine';
import { checkGradients, randomTensor, rng } from './gradcheck';
import { binary } from './gradientCases';

/** Checks d/dx and d/dy of build(x, y) for inputs of the given shapes (values in [lo, hi)). */
async function checkBinary(build: (g: Graph, x: Tensor, y: Tensor) => Tensor, xDims: number[], yDims: number[], lo = -1, hi = 1): Promise<void> {
  await binary(build, xDims, yDims, lo, hi)();
}

async function checkUnary(build: (g: Graph, x: Tensor) => Tensor, lo = -1, hi = 1): Promise<void> {
  await checkBinary((g, x, y) => g.add(build(g, x), g.mul(y, 0)), [2, 3], [1], lo, hi);
}

test('Add, Sub, Mul, Div with equal shapes', async () => {
  await checkBinary((g, x, y) => g.add(x, y), [2, 3], [2, 3]);
  await checkBinary((g, x, y) => g.sub(x, y), [2, 3], [2, 3]);
  await checkBinary((g, x, y) => g.mul(x, y), [2, 3], [2, 3]);
  await checkBinary((g, x, y) => g.div(x, y), [2, 3], [2, 3], 0.5, 2);
});

test('broadcasting un-broadcasts: leading axes, stretched axes, scalars, both sides', async () => {
  await checkBinary((g, x, y) => g.add(x, y), [2, 3, 4], [4]);
  await checkBinary((g, x, y) => g.mul(x, y), [2, 1, 4], [3, 1]);
  await checkBinary((g, x, y) => g.sub(x, y), [], [2, 3]);
  await checkBinary((g, x, y) => g.div(x, y), [2, 3, 1], [1, 3, 4], 0.5, 2);
});

test('Pow in both operands, Sqrt, Reciprocal', async () => {
  await checkBinary((g, x, y) => g.pow(x, y), [2, 3], [3], 0.5, 2);
  await checkUnary((g, x) => g.sqrt(x), 0.5, 2);
  await checkUnary((g, x) => g.reciprocal(x), 0.5, 2);
});

test('Exp, Log, Sigmoid, Tanh, Neg, Sin, Cos, Abs, Relu, Identity', async () => {
  await checkUnary((g, x) => g.exp(x));
  await checkUnary((g, x) => g.log(x), 0.5, 2);
  await checkUnary((g, x) => g.sigmoid(x));
  await checkUnary((g, x) => g.tanh(x));
  await checkUnary((g, x) => g.neg(x));
  await checkUnary((g, x) => g.sin(x));
  await checkUnary((g, x) => g.cos(x));
  await checkUnary((g, x) => g.abs(x));
  await checkUnary((g, x) => g.relu(x));
  await checkUnary((g, x) => g.identity(x));
});

test('Max, Min (element-wise, broadcast) and Clip', async () => {
  await checkBinary((g, x, y) => g.max(x, y), [2, 3], [3]);
  await checkBinary((g, x, y) => g.min(x, y), [2, 3], [2, 1]);
  await checkUnary((g, x) => g.clip(x, -0.3, 0.4));
  await checkUnary((g, x) => g.clip(x, undefined, 0.2));
});

test('Where routes the gradient by the condition and un-broadcasts', async () => {
  await checkBinary((g, x, y) => g.where(g.greater(x, 0), g.mul(x, 2), y), [2, 3], [3]);
});

test('sum of several tensors (binary Adds) with broadcasting', async () => {
  await checkBinary((g, x, y) => g.sum(x, y, g.mul(x, x)), [2, 3], [1, 3]);
});

test('sum is left-to-right binary Adds with the floats of ONNX Sum, and emits no Sum node', async () => {
  // onnxruntime's CPU Sum of more than two inputs allocates its partial sums outside the run's memory plan
  // (docs/memory.md, "Sum"); the Adds must give the very same float32 values.
  class SumGraph extends Graph { onnxSum(terms: Tensor[]): Tensor { return this.op('Sum', terms, 'float32', terms[0].shape); } }
  const g = new SumGraph('sums');
  const terms = Array.from({ length: 9 }, (_, i) => g.input(`t${i}`, 'float32', [2, 3, 5]));
  g.output(g.sum(...terms), 'adds');
  g.output(g.onnxSum(terms), 'onnx');
  assert.equal(g.nodes.filter((n) => n.opType === 'Sum').length, 1, 'only the reference Sum');
  assert.equal(g.nodes.filter((n) => n.opType === 'Add').length, 8);
  const random = rng(9);
  const feeds = Object.fromEntries(terms.map((t) => [t.name, { dtype: 'float32' as const, dims: [2, 3, 5], data: Float32Array.from({ length: 30 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 8 - 4)) }]));
  const session = await EngineSession.fromGraph(g, { graphOptimizationLevel: 'extended' });
  try {
    const out = await session.run(feeds);
    assert.deepEqual(Array.from(out.adds.data as Float32Array), Array.from(out.onnx.data as Float32Array));
  } finally {
    await session.dispose();
  }
});

test('Cast float64 -> float32 -> float64 passes the gradient (float32 tolerance)', async () => {
  const g = new Graph('cast');
  const x = g.input('x', 'float64', [2, 3]);
  const out = g.cast(g.mul(g.cast(x, 'float32'), g.scalar(3, 'float32')), 'float64');
  const grads = await checkGradients(g, out, { x: randomTensor([2, 3], rng(3)) }, [x], { step: 1e-3, atol: 1e-5, rtol: 1e-4 });
  assert.ok(grads.x.every((v) => Math.abs(v) > 1));
});

test('a tensor used twice accumulates and an unused input gets zeros (StopGradient: gradientCases.ts)', async () => {
  const g = new Graph('reuse');
  const x = g.input('x', 'float64', [3]);
  const unused = g.input('unused', 'float64', [2]);
  const feeds = { x: randomTensor([3], rng(1)), unused: randomTensor([2], rng(2)) };
  const grads = await checkGradients(g, g.add(g.mul(g.mul(x, x), x), g.exp(x)), feeds, [x, unused]);
  assert.deepEqual(Array.from(grads.unused), [0, 0]);
});
