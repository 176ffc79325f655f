// MatMul, Gemm, Softmax and reduction rules against finite differences in float64.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Graph, gradients, Tensor } from '../../../src/core/engine';
import { checkGradients, exactSession, randomTensor, rng } from './gradcheck';

async function checkPair(build: (g: Graph, a: Tensor, b: Tensor) => Tensor, aDims: number[], bDims: number[]): Promise<void> {
  const g = new Graph('case');
  const a = g.input('a', 'float64', aDims);
  const b = g.input('b', 'float64', bDims);
  const random = rng(aDims.length * 7 + bDims.length);
  await checkGradients(g, build(g, a, b), { a: randomTensor(aDims, random), b: randomTensor(bDims, random) }, [a, b]);
}

async function checkOne(build: (g: Graph, x: Tensor) => Tensor, dims: number[]): Promise<void> {
  const g = new Graph('case');
  const x = g.input('x', 'float64', dims);
  await checkGradients(g, build(g, x), { x: randomTensor(dims, rng(dims.length)) }, [x]);
}

test('MatMul: 2-D, batched, batched @ 2-D weight, broadcast batch dims', async () => {
  await checkPair((g, a, b) => g.matmul(a, b), [3, 4], [4, 5]);
  await checkPair((g, a, b) => g.matmul(a, b), [2, 3, 4], [2, 4, 5]);
  await checkPair((g, a, b) => g.matmul(a, b), [2, 3, 4], [4, 5]);
  await checkPair((g, a, b) => g.matmul(a, b), [2, 1, 3, 4], [1, 3, 4, 2]);
  await checkPair((g, a, b) => g.matmul(a, b), [3, 4], [2, 4, 5]);
});

test('MatMul against a 2-D weight reduces the batch with one Gemm, not a broadcast product', () => {
  const g = new Graph('efficient');
  const x = g.input('x', 'float32', ['batch', 'seq', 8]);
  const w = g.input('w', 'float32', [8, 4]);
  const loss = g.reduceSum(g.matmul(x, w), undefined, false);
  const before = g.nodes.length;
  gradients(g, loss, [w]);
  const backward = g.nodes.slice(before).map((n) => n.opType);
  assert.equal(backward.filter((op) => op === 'Gemm').length, 1);
  assert.ok(!backward.includes('MatMul') && !backward.includes('ReduceSum'), backward.join(','));
});

test('Gemm in all four transpose combinations', async () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      await checkPair((g, a, b) => g.gemm(a, b, { transA, transB }), transA ? [4, 3] : [3, 4], transB ? [5, 4] : [4, 5]);
    }
  }
});

test('Softmax along the last and a middle axis', async () => {
  await checkOne((g, x) => g.softmax(x, -1), [2, 3, 4]);
  await checkOne((g, x) => g.softmax(x, 1), [2, 3, 4]);
});

test('ReduceSum, ReduceMean, ReduceMax with and without keepdims', async () => {
  await checkOne((g, x) => g.reduceSum(x, [1], true), [2, 3, 4]);
  await checkOne((g, x) => g.reduceSum(x, [0, 2], false), [2, 3, 4]);
  await checkOne((g, x) => g.reduceSum(x, undefined, false), [2, 3]);
  await checkOne((g, x) => g.reduceMean(x, [-1], true), [2, 3, 4]);
  await checkOne((g, x) => g.reduceMean(x, [0, 1], false), [2, 3, 4]);
  await checkOne((g, x) => g.reduceMax(x, [-1], true), [2, 3, 4]);
  await checkOne((g, x) => g.reduceMax(x, [1], false), [2, 3, 4]);
});

test('ReduceMax shares the gradient between tied maxima', async () => {
  const g = new Graph('ties');
  const x = g.input('x', 'float64', [4]);
  const loss = g.reduceMax(x, [0], false);
  const [dx] = gradients(g, loss, [x]);
  g.output(dx);
  const session = await exactSession(g);
  const out = await session.run({ x: { dtype: 'float64', dims: [4], data: Float64Array.from([1, 3, 3, 0]) } });
  await session.dispose();
  assert.deepEqual(Array.from(out[dx.name].data as Float64Array), [0, 0.5, 0.5, 0]);
});
