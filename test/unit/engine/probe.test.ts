// Gradients w.r.t. intermediate values and initializers, as the sensitivity probe and the adapters use them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Graph, gradients, linear, Tensor } from '../../../src/core/engine';
import { checkGradients, exactSession, randomTensor, rng } from './gradcheck';
import { maxAbsDiff } from './reference';

const [batch, seq, dIn, dOut] = [2, 3, 4, 5];

function probeGraph(weightAsInitializer: boolean, weight: Float64Array): { g: Graph; x: Tensor; w: Tensor; y: Tensor; loss: Tensor } {
  const g = new Graph('probe');
  const x = g.input('x', 'float64', ['batch', 'seq', dIn]);
  const w = weightAsInitializer
    ? g.initializer('w', { dtype: 'float64', dims: [dOut, dIn], data: weight })
    : g.input('w', 'float64', [dOut, dIn]);
  const y = linear(g, x, w);
  const loss = g.reduceSum(g.sin(g.mul(g.tanh(y), 3)), undefined, false);
  return { g, x, w, y, loss };
}

test('dL/dW matches finite differences, and equals sum_t dL/dy_t x_t^T from the intermediate gradient', async () => {
  const x = randomTensor([batch, seq, dIn], rng(1));
  const w = randomTensor([dOut, dIn], rng(2));
  const checked = probeGraph(false, w.data as Float64Array);
  await checkGradients(checked.g, checked.loss, { x, w }, [checked.w]);

  const { g, w: wt, y, loss } = probeGraph(false, w.data as Float64Array);
  const [dW, dY] = gradients(g, loss, [wt, y]);
  [dW, dY].forEach((t) => g.output(t));
  const session = await exactSession(g);
  const out = await session.run({ x, w });
  await session.dispose();
  const delta = out[dY.name].data as Float64Array;
  const xs = x.data as Float64Array;
  const outer = new Float64Array(dOut * dIn);
  for (let row = 0; row < batch * seq; row++) {
    for (let o = 0; o < dOut; o++) for (let i = 0; i < dIn; i++) outer[o * dIn + i] += delta[row * dOut + o] * xs[row * dIn + i];
  }
  assert.ok(maxAbsDiff(outer, out[dW.name].data as Float64Array) < 1e-12);
  assert.ok(ghostNormMatches(delta, xs), 'per-example ||dW||^2 by the Gram identity');
});

/** sum_{t,s} (delta_t . delta_s)(x_t . x_s) equals ||sum_t delta_t x_t^T||_F^2 for each example. */
function ghostNormMatches(delta: Float64Array, xs: Float64Array): boolean {
  for (let e = 0; e < batch; e++) {
    const gram = gramNorm(delta, xs, e);
    const direct = directNorm(delta, xs, e);
    if (Math.abs(gram - direct) > 1e-10 * (1 + direct)) return false;
  }
  return true;
}

function rowDot(a: Float64Array, i: number, b: Float64Array, j: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[i * n + k] * b[j * n + k];
  return s;
}

function gramNorm(delta: Float64Array, xs: Float64Array, e: number): number {
  let total = 0;
  for (let t = e * seq; t < (e + 1) * seq; t++) {
    for (let s = e * seq; s < (e + 1) * seq; s++) total += rowDot(delta, t, delta, s, dOut) * rowDot(xs, t, xs, s, dIn);
  }
  return total;
}

function directNorm(delta: Float64Array, xs: Float64Array, e: number): number {
  let total = 0;
  for (let o = 0; o < dOut; o++) {
    for (let i = 0; i < dIn; i++) {
      let entry = 0;
      for (let t = e * seq; t < (e + 1) * seq; t++) entry += delta[t * dOut + o] * xs[t * dIn + i];
      total += entry * entry;
    }
  }
  return total;
}

test('a frozen initializer can be differentiated like an input', async () => {
  const x = randomTensor([batch, seq, dIn], rng(3));
  const w = randomTensor([dOut, dIn], rng(4));
  const values: Float64Array[] = [];
  for (const asInitializer of [true, false]) {
    const { g, w: wt, loss } = probeGraph(asInitializer, w.data as Float64Array);
    const [dW] = gradients(g, loss, [wt]);
    g.output(dW);
    const session = await exactSession(g);
    const out = await session.run(asInitializer ? { x } : { x, w });
    await session.dispose();
    values.push(out[dW.name].data as Float64Array);
  }
  assert.ok(maxAbsDiff(values[0], values[1]) < 1e-14);
});

test('top-k router: renormalised softmax over the k largest logits, scattered back to experts', async () => {
  const experts = 4;
  const g = new Graph('router');
  const x = g.input('x', 'float64', ['batch', 'seq', dIn]);
  const gate = g.input('gate', 'float64', [experts, dIn]);
  const expertOut = g.input('expert_out', 'float64', [batch, seq, experts]);
  const logits = linear(g, x, gate);
  const top = g.topk(logits, 2, -1);
  const dense = g.scatterElements(g.zerosLike(logits), top.indices, g.softmax(top.values, -1), -1);
  const loadBalance = g.reduceSum(g.mul(g.reduceMean(g.softmax(logits, -1), [0, 1], false), 0.1), undefined, false);
  const mixed = g.add(g.reduceSum(g.mul(dense, expertOut), [-1], false), loadBalance);
  const random = rng(5);
  const feeds = { x: randomTensor([batch, seq, dIn], random), gate: randomTensor([experts, dIn], random), expert_out: randomTensor([batch, seq, experts], random) };
  await checkGradients(g, mixed, feeds, [x, gate, expertOut]);
});

test('linear: out-in and in-out layouts with bias, symbolic leading dims', async () => {
  for (const layout of ['outIn', 'inOut'] as const) {
    const g = new Graph('linear');
    const x = g.input('x', 'float64', ['batch', 'seq', dIn]);
    const w = g.input('w', 'float64', layout === 'outIn' ? [dOut, dIn] : [dIn, dOut]);
    const b = g.input('b', 'float64', [dOut]);
    const random = rng(6);
    const feeds = { x: randomTensor([batch, seq, dIn], random), w: randomTensor(w.shape as number[], random), b: randomTensor([dOut], random) };
    const y = linear(g, x, w, { layout, bias: b });
    assert.deepEqual(y.shape, ['batch', 'seq', dOut]);
    await checkGradients(g, y, feeds, [x, w, b]);
  }
});
