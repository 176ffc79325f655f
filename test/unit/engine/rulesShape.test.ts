// Data-movement and indexing rules against finite differences, including symbolic dims.
import { test } from 'node:test';
import { Graph, Tensor, TO_END } from '../../../src/core/engine';
import { checkGradients, int64Tensor, randomTensor, rng } from './gradcheck';

async function checkOne(build: (g: Graph, x: Tensor) => Tensor, dims: number[], declared: (number | string)[] = dims): Promise<void> {
  const g = new Graph('case');
  const x = g.input('x', 'float64', declared);
  await checkGradients(g, build(g, x), { x: randomTensor(dims, rng(dims.length + 11)) }, [x]);
}

test('Reshape (with 0 and -1), Transpose, Unsqueeze, Squeeze', async () => {
  await checkOne((g, x) => g.mul(g.reshape(x, [0, -1]), g.reshape(x, [2, 12])), [2, 3, 4]);
  await checkOne((g, x) => g.transpose(x, [2, 0, 1]), [2, 3, 4]);
  await checkOne((g, x) => g.squeeze(g.unsqueeze(g.exp(x), [0, 3]), [0]), [2, 3]);
});

test('Concat and Split (one part unused)', async () => {
  const g = new Graph('concat');
  const a = g.input('a', 'float64', [2, 3]);
  const b = g.input('b', 'float64', [2, 2]);
  const [p, , r] = g.split(g.concat([a, g.exp(b), a], 1), [1, 4, 3], 1);
  const out = g.concat([r, p], 1);
  const random = rng(5);
  await checkGradients(g, out, { a: randomTensor([2, 3], random), b: randomTensor([2, 2], random) }, [a, b]);
});

test('Slice with positive, negative and to-the-end bounds on several axes', async () => {
  await checkOne((g, x) => g.slice(x, { starts: [1, 0], ends: [TO_END, -1], axes: [0, 2] }), [3, 2, 5]);
  await checkOne((g, x) => g.slice(x, { starts: [-2], ends: [TO_END], axes: [-1] }), [2, 5]);
});

test('Expand un-broadcasts back to the input', async () => {
  await checkOne((g, x) => g.expand(x, [2, 3, 4]), [3, 1]);
});

test('Gather: embedding rows with repeated ids (scatter-add) and along a middle axis', async () => {
  const table = randomTensor([5, 3], rng(9));
  const g = new Graph('gather');
  const t = g.input('table', 'float64', [5, 3]);
  const ids = g.input('ids', 'int64', [2, 3]);
  await checkGradients(g, g.gather(t, ids, 0), { table, ids: int64Tensor([2, 3], [1, 4, 1, 0, 1, 4]) }, [t]);
  const g2 = new Graph('gather-mid');
  const t2 = g2.input('table', 'float64', [5, 3]);
  const cols = g2.input('cols', 'int64', [2]);
  await checkGradients(g2, g2.gather(t2, cols, 1), { table, cols: int64Tensor([2], [2, 2]) }, [t2]);
});

test('GatherElements, ScatterElements and TopK values', async () => {
  const g = new Graph('elements');
  const x = g.input('x', 'float64', [2, 4]);
  const u = g.input('u', 'float64', [2, 2]);
  const idx = g.input('idx', 'int64', [2, 2]);
  const picked = g.gatherElements(x, idx, 1);
  const scattered = g.scatterElements(g.exp(x), idx, g.mul(u, picked), 1);
  const top = g.topk(scattered, 2, -1).values;
  const feeds = { x: randomTensor([2, 4], rng(4)), u: randomTensor([2, 2], rng(6)), idx: int64Tensor([2, 2], [3, 0, 1, 2]) };
  await checkGradients(g, g.concat([top, picked], 1), feeds, [x, u]);
});

test('symbolic batch/seq dims: gradients use run-time shapes', async () => {
  const declared = ['batch', 'seq', 4];
  await checkOne((g, x) => g.reduceMean(g.mul(x, x), [-1], true), [2, 3, 4], declared);
  await checkOne((g, x) => g.reshape(g.transpose(g.reshape(x, [0, 0, 2, 2]), [0, 2, 1, 3]), [0, -1]), [2, 3, 4], declared);
  await checkOne((g, x) => g.slice(x, { starts: [1], ends: [TO_END], axes: [1] }), [2, 3, 4], declared);
  await checkOne((g, x) => g.slice(x, { starts: [0], ends: [-1], axes: [1] }), [2, 3, 4], declared);
  await checkOne((g, x) => g.concat([x, g.exp(x)], 1), [2, 3, 4], declared);
  await checkOne((g, x) => g.matmul(x, g.transpose(x, [0, 2, 1])), [2, 3, 4], declared);
  await checkOne((g, x) => g.expandLike(g.reduceSum(x, [1], true), x), [2, 3, 4], declared);
});

test('symbolic dims: MatMul against a weight flattens through run-time shapes', async () => {
  const g = new Graph('symbolic-matmul');
  const x = g.input('x', 'float64', ['batch', 'seq', 4]);
  const w = g.input('w', 'float64', [4, 3]);
  const random = rng(21);
  await checkGradients(g, g.matmul(x, w), { x: randomTensor([2, 3, 4], random), w: randomTensor([4, 3], random) }, [x, w]);
});
