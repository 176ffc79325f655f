// KV-cache decoding: positions past..past+T and the causal mask offset reproduce a full forward pass.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { dimOf, Graph, groupedQueryAttention, HostTensor, MaskStyle, positionsFromOffset } from '../../../src/core/engine';
import { exactSession, randomTensor, rng } from './gradcheck';
import { maxAbsDiff } from './reference';

const [numHeads, numKvHeads, headDim] = [4, 2, 4];

function cachedAttention(maskStyle: MaskStyle): Graph {
  const g = new Graph('decode');
  const q = g.input('q', 'float64', ['batch', 'seq', numHeads * headDim]);
  const k = g.input('k', 'float64', ['batch', 'seq', numKvHeads * headDim]);
  const v = g.input('v', 'float64', ['batch', 'seq', numKvHeads * headDim]);
  const pastKey = g.input('past_key', 'float64', ['batch', numKvHeads, 'past', headDim]);
  const pastValue = g.input('past_value', 'float64', ['batch', numKvHeads, 'past', headDim]);
  const positions = positionsFromOffset(g, dimOf(g, pastKey, 2), q);
  const result = groupedQueryAttention(g, q, k, v, {
    numHeads, numKvHeads, headDim, maskStyle,
    rope: { theta: 10000, layout: 'half', positions },
    past: { key: pastKey, value: pastValue },
  });
  g.output(result.output, 'out');
  g.output(result.presentKey, 'present_key');
  g.output(result.presentValue, 'present_value');
  return g;
}

/** Token rows [from, to) of a [batch, T, width] tensor. */
function rows(t: HostTensor, from: number, to: number): HostTensor {
  const [batch, seq, width] = t.dims;
  const data = new Float64Array(batch * (to - from) * width);
  for (let b = 0; b < batch; b++) {
    data.set((t.data as Float64Array).subarray((b * seq + from) * width, (b * seq + to) * width), b * (to - from) * width);
  }
  return { dtype: 'float64', dims: [batch, to - from, width], data };
}

for (const maskStyle of ['where', 'additive'] as const) {
  test(`decoding with a KV cache matches the full causal pass (${maskStyle} mask)`, async () => {
    const random = rng(maskStyle === 'where' ? 1 : 2);
    const full = { q: randomTensor([2, 5, 16], random), k: randomTensor([2, 5, 8], random), v: randomTensor([2, 5, 8], random) };
    const empty: HostTensor = { dtype: 'float64', dims: [2, numKvHeads, 0, headDim], data: new Float64Array(0) };
    const session = await exactSession(cachedAttention(maskStyle));
    try {
      const whole = await session.run({ ...full, past_key: empty, past_value: empty });
      const slice = (from: number, to: number): Record<string, HostTensor> => ({ q: rows(full.q, from, to), k: rows(full.k, from, to), v: rows(full.v, from, to) });
      const prefix = await session.run({ ...slice(0, 3), past_key: empty, past_value: empty });
      const step = await session.run({ ...slice(3, 5), past_key: prefix.present_key, past_value: prefix.present_value });
      const expected = rows(whole.out, 3, 5).data as Float64Array;
      assert.ok(maxAbsDiff(step.out.data as Float64Array, expected) < 1e-12);
      assert.deepEqual(step.present_key.dims, [2, numKvHeads, 5, headDim]);
      assert.ok(maxAbsDiff(step.present_key.data as Float64Array, whole.present_key.data as Float64Array) < 1e-12);
    } finally {
      await session.dispose();
    }
  });
}

test('per-example positions [batch, T] (left-padded batches) rotate like shared positions', async () => {
  const outputs: Float64Array[] = [];
  const random = rng(3);
  const feeds = { q: randomTensor([2, 3, 16], random), k: randomTensor([2, 3, 8], random), v: randomTensor([2, 3, 8], random) };
  for (const perExample of [false, true]) {
    const g = new Graph('positions');
    const q = g.input('q', 'float64', ['batch', 'seq', numHeads * headDim]);
    const k = g.input('k', 'float64', ['batch', 'seq', numKvHeads * headDim]);
    const v = g.input('v', 'float64', ['batch', 'seq', numKvHeads * headDim]);
    const shared = positionsFromOffset(g, g.scalar(2, 'int64'), q);
    // [batch, 1] offsets + [T] steps: each example's own positions, here equal to the shared ones
    const positions = perExample ? g.add(g.unsqueeze(g.int64s([2, 2]), [1]), g.sub(shared, 2)) : shared;
    const { output } = groupedQueryAttention(g, q, k, v, { numHeads, numKvHeads, headDim, rope: { theta: 500, layout: 'interleaved', positions } });
    assert.equal(positions.rank, perExample ? 2 : 1);
    g.output(output, 'out');
    const session = await exactSession(g);
    outputs.push((await session.run(feeds)).out.data as Float64Array);
    await session.dispose();
  }
  assert.ok(maxAbsDiff(outputs[0], outputs[1]) < 1e-12);
});
