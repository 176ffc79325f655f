// The memory-pattern key: onnxruntime caches one memory plan per XOR of all feed dims, so feeds of equal shapes
// (token ids and labels) gave every batch shape the same key. The extra [0, k] feed makes the key one per shape set.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineSession, Graph } from '../../../src/core/engine';
import { ortPatternKey, PATTERN_KEY_INPUT, PatternKeys } from '../../../src/core/engine/patternKey';

const feedsOf = (batch: number, length: number) => ({ input_ids: { dims: [batch, length] }, labels: { dims: [batch, length] } });

test('without the extra feed, token ids and labels of any shape share one onnxruntime key', () => {
  assert.equal(ortPatternKey(feedsOf(4, 112)), 0n);
  assert.equal(ortPatternKey(feedsOf(4, 128)), 0n);
  assert.equal(ortPatternKey(feedsOf(3, 48)), 0n);
});

test('with it, every distinct set of feed shapes gets its own key, and a shape seen again gets the same one', () => {
  const keys = new PatternKeys();
  const keyOf = (batch: number, length: number, extra: Record<string, { dims: number[] }> = {}) => {
    const feeds = { ...feedsOf(batch, length), ...extra };
    const key = keys.feed(feeds);
    assert.equal(key.data.length, 0, 'the key feed holds no data');
    assert.equal(key.dims[0], 0);
    return ortPatternKey({ ...feeds, [PATTERN_KEY_INPUT]: key });
  };
  const shapes: [number, number][] = [[4, 112], [4, 128], [3, 128], [4, 16], [1, 151936], [2, 7]];
  const first = shapes.map(([b, t]) => keyOf(b, t));
  assert.equal(new Set(first).size, shapes.length, `distinct keys: ${first.join(', ')}`);
  assert.deepEqual(shapes.map(([b, t]) => keyOf(b, t)), first, 'the same shapes get the same keys again');
  assert.equal(keys.size, shapes.length);
  // Weights fed as inputs (fixed dims) and a dropout mask change nothing about uniqueness.
  const withParams = keyOf(4, 112, { 'lora_A.weight': { dims: [8, 896] }, mask: { dims: [4, 112, 896] } });
  assert.ok(!first.includes(withParams));
});

test('a session over a built graph takes the key by itself and does not list it as an input', async () => {
  const g = new Graph('two_same_shapes');
  const a = g.input('a', 'float32', ['batch', 'seq']);
  const b = g.input('b', 'float32', ['batch', 'seq']);
  g.output(g.reduceSum(g.mul(a, b), [0, 1], false), 'dot');
  const session = await EngineSession.fromGraph(g, { device: 'cpu', intraOpThreads: 1 });
  try {
    assert.deepEqual([...session.inputNames].sort(), ['a', 'b']);
    for (const [batch, seq] of [[2, 3], [2, 5], [2, 3], [4, 16]]) {
      const data = Float32Array.from({ length: batch * seq }, (_, i) => i + 1);
      const out = await session.run({ a: { dtype: 'float32', dims: [batch, seq], data }, b: { dtype: 'float32', dims: [batch, seq], data } });
      assert.equal(Number(out.dot.data[0]), data.reduce((s, v) => s + v * v, 0));
    }
  } finally {
    await session.dispose();
  }
});
