// Composite layers: values against plain-JS references, gradients against finite differences.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { crossEntropy, Graph, groupedQueryAttention, rmsNorm, swiglu, Tensor, HostTensor, positionsFromOffset } from '../../../src/core/engine';
import { checkGradients, exactSession, int64Tensor, randomTensor, rng } from './gradcheck';
import { AttentionShape, maxAbsDiff, referenceAttention, referenceCrossEntropy } from './reference';

async function forward(g: Graph, out: Tensor, feeds: Record<string, HostTensor>): Promise<Float64Array> {
  g.output(out);
  const session = await exactSession(g);
  try {
    return (await session.run(feeds, [out.name]))[out.name].data as Float64Array;
  } finally {
    await session.dispose();
  }
}

test('RMSNorm: value and gradients w.r.t. input and weight', async () => {
  const build = (): { g: Graph; x: Tensor; w: Tensor; y: Tensor } => {
    const g = new Graph('rms');
    const x = g.input('x', 'float64', ['batch', 3, 4]);
    const w = g.input('w', 'float64', [4]);
    return { g, x, w, y: rmsNorm(g, x, w, 1e-5) };
  };
  const feeds = { x: randomTensor([2, 3, 4], rng(1)), w: randomTensor([4], rng(2)) };
  const { g, y } = build();
  const values = await forward(g, y, feeds);
  const xs = feeds.x.data as Float64Array;
  const ws = feeds.w.data as Float64Array;
  for (let row = 0; row < 6; row++) {
    const r = xs.subarray(row * 4, row * 4 + 4);
    const inv = 1 / Math.sqrt(r.reduce((a, v) => a + v * v, 0) / 4 + 1e-5);
    r.forEach((v, i) => assert.ok(Math.abs(values[row * 4 + i] - v * inv * ws[i]) < 1e-12));
  }
  const fresh = build();
  await checkGradients(fresh.g, fresh.y, feeds, [fresh.x, fresh.w]);
});

test('SwiGLU gradients', async () => {
  const g = new Graph('swiglu');
  const a = g.input('a', 'float64', [2, 5]);
  const b = g.input('b', 'float64', [2, 5]);
  await checkGradients(g, swiglu(g, a, b), { a: randomTensor([2, 5], rng(3), -3, 3), b: randomTensor([2, 5], rng(4)) }, [a, b]);
});

test('cross-entropy: HF shift, ignore-index -100, mean over scored tokens, value and gradient', async () => {
  const [batch, seq, vocab] = [2, 4, 5];
  const labels = [3, 1, -100, 4, 0, -100, 2, 2];
  const logitsFeed = randomTensor([batch, seq, vocab], rng(5), -2, 2);
  const build = (): { g: Graph; logits: Tensor; loss: Tensor } => {
    const g = new Graph('ce');
    const logits = g.input('logits', 'float64', ['batch', 'seq', vocab]);
    const ids = g.input('labels', 'int64', ['batch', 'seq']);
    return { g, logits, loss: crossEntropy(g, logits, ids, { shift: true }).loss };
  };
  const feeds = { logits: logitsFeed, labels: int64Tensor([batch, seq], labels) };
  const { g, loss } = build();
  const value = (await forward(g, loss, feeds))[0];
  // shift by hand: position t predicts labels[t+1]
  const shiftedLogits: number[] = [];
  const shiftedLabels: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq - 1; t++) {
      shiftedLogits.push(...Array.from((logitsFeed.data as Float64Array).subarray((b * seq + t) * vocab, (b * seq + t + 1) * vocab)));
      shiftedLabels.push(labels[b * seq + t + 1]);
    }
  }
  assert.ok(Math.abs(value - referenceCrossEntropy(Float64Array.from(shiftedLogits), shiftedLabels, vocab)) < 1e-12);
  const fresh = build();
  await checkGradients(fresh.g, fresh.loss, feeds, [fresh.logits]);
});

test('cross-entropy sumOfExampleMeans gives each example its own mean', async () => {
  const g = new Graph('ce-examples');
  const logits = g.input('logits', 'float64', [2, 3, 4]);
  const ids = g.input('labels', 'int64', [2, 3]);
  const result = crossEntropy(g, logits, ids, { reduction: 'sumOfExampleMeans' });
  const feeds = { logits: randomTensor([2, 3, 4], rng(8)), labels: int64Tensor([2, 3], [1, -100, 3, 0, 2, 2]) };
  const value = (await forward(g, result.loss, feeds))[0];
  const data = feeds.logits.data as Float64Array;
  const first = referenceCrossEntropy(data.subarray(0, 12), [1, -100, 3], 4);
  const second = referenceCrossEntropy(data.subarray(12, 24), [0, 2, 2], 4);
  assert.ok(Math.abs(value - (first + second)) < 1e-12);
});

function attentionGraph(s: AttentionShape, layout: 'half' | 'interleaved'): { g: Graph; q: Tensor; k: Tensor; v: Tensor; out: Tensor } {
  const g = new Graph('attention');
  const q = g.input('q', 'float64', ['batch', 'seq', s.numHeads * s.headDim]);
  const k = g.input('k', 'float64', ['batch', 'seq', s.numKvHeads * s.headDim]);
  const v = g.input('v', 'float64', ['batch', 'seq', s.numKvHeads * s.headDim]);
  const positions = positionsFromOffset(g, g.scalar(0, 'int64'), q);
  const rope = { theta: s.theta, layout, positions };
  const { output } = groupedQueryAttention(g, q, k, v, { numHeads: s.numHeads, numKvHeads: s.numKvHeads, headDim: s.headDim, rope });
  return { g, q, k, v, out: output };
}

for (const layout of ['half', 'interleaved'] as const) {
  test(`GQA attention block with RoPE (${layout}): value vs reference, gradients vs finite differences`, async () => {
    const s: AttentionShape = { batch: 2, seq: 4, numHeads: 4, numKvHeads: 2, headDim: 4, theta: 10000, layout };
    const random = rng(layout === 'half' ? 11 : 12);
    const feeds = {
      q: randomTensor([2, 4, 16], random),
      k: randomTensor([2, 4, 8], random),
      v: randomTensor([2, 4, 8], random),
    };
    const built = attentionGraph(s, layout);
    const values = await forward(built.g, built.out, feeds);
    const expected = referenceAttention(feeds.q.data as Float64Array, feeds.k.data as Float64Array, feeds.v.data as Float64Array, s);
    assert.ok(maxAbsDiff(values, expected) < 1e-12, `max diff ${maxAbsDiff(values, expected)}`);
    const fresh = attentionGraph(s, layout);
    await checkGradients(fresh.g, fresh.out, feeds, [fresh.q, fresh.k, fresh.v], { maxProbes: 24 });
  });
}
