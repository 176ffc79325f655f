// Batch lengths are padded up to a multiple of PAD_MULTIPLE (few distinct shapes for onnxruntime's memory planner):
// the widths, the dropout stream, and a training step that gives the same loss, gradients and router statistics
// padded as unpadded.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchWidth, padBatch, PAD_MULTIPLE, SeededRandom, type EncodedExample } from '../../../src/core/data';
import type { HostTensor } from '../../../src/core/engine';
import { adaptedModules, loraMoeConfig } from '../../../src/core/model/adapters/config';
import { moduleName } from '../../../src/core/model/config';
import { collate, dropoutMask } from '../../../src/core/train/batch';
import { createTrainGraph, FEED } from '../../../src/core/train/trainGraph';
import { TOY_CONFIG, toyLogitsBuilder } from './toyDecoder';

test('batch widths round up to the pad multiple, never past the max length unless the batch itself is longer', () => {
  assert.equal(PAD_MULTIPLE, 16);
  assert.equal(batchWidth(1), 16);
  assert.equal(batchWidth(16), 16);
  assert.equal(batchWidth(17), 32);
  assert.equal(batchWidth(99, 100), 100);
  assert.equal(batchWidth(100, 100), 100);
  assert.equal(batchWidth(130, 128), 130);
  assert.equal(batchWidth(1, 1), 2, 'the shifted loss needs two positions');
  assert.equal(padBatch([{ inputIds: [5, 6, 7], labels: [-100, 6, 7] }], 0).length, 16);
  assert.throws(() => padBatch([{ inputIds: [5, 6, 7], labels: [-100, 6, 7] }], 0, 2), /width 2 is shorter than the longest example \(3 tokens\)/);
});

test('dropout masks: padding draws nothing more from the stream, and real positions get the unpadded masks', () => {
  const [batch, longest, width, dIn, p] = [2, 5, 16, 3, 0.5];
  const plainRandom = new SeededRandom(9);
  const paddedRandom = new SeededRandom(9);
  const plain = dropoutMask(plainRandom, p, batch, longest, dIn).data as Uint8Array;
  const padded = dropoutMask(paddedRandom, p, batch, width, dIn, longest).data as Uint8Array;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < width; t++) {
      for (let d = 0; d < dIn; d++) {
        const got = padded[(b * width + t) * dIn + d];
        assert.equal(got, t < longest ? plain[(b * longest + t) * dIn + d] : 1, `b ${b} t ${t} d ${d}`);
      }
    }
  }
  assert.ok(plain.includes(0) && plain.includes(1), 'the mask drops some and keeps some');
  assert.equal(paddedRandom.next(), plainRandom.next(), 'the stream is where it would be without padding');
  assert.throws(() => dropoutMask(new SeededRandom(1), p, 1, 4, 2, 5), /5 drawn positions in a batch of length 4/);
});

test('a training step on a padded batch gives the unpadded loss, gradients and router statistics', async () => {
  const experts = { [moduleName(0, 'q_proj')]: 3, [moduleName(0, 'gate_proj')]: 2, [moduleName(0, 'down_proj')]: 1 };
  const config = loraMoeConfig({ style: 'independent', rank: 2, alpha: 4, dropout: 0.2, targetModules: [], topK: 2, balanceLossCoef: 0.05 }, experts);
  const graph = await createTrainGraph(config, adaptedModules(config, TOY_CONFIG), toyLogitsBuilder(), { device: 'cpu', intraOpThreads: 1 });
  const examples: EncodedExample[] = [
    { inputIds: [1, 4, 7, 3, 9, 2, 5], labels: [-100, -100, -100, 3, 9, 2, 5] },
    { inputIds: [1, 5, 5, 2], labels: [-100, -100, 5, 2] },
  ];
  const random = new SeededRandom(4);
  const params: Record<string, HostTensor> = {};
  for (const spec of graph.adapters.specs) {
    const size = spec.dims.reduce((a, b) => a * b, 1);
    params[spec.name] = { dtype: 'float32', dims: [...spec.dims], data: Float32Array.from({ length: size }, () => random.next() - 0.5) };
  }
  const step = async (pad: boolean) => {
    const batch = collate(examples, 0, 32);
    const length = pad ? batch.length : batch.longest;
    const feeds: Record<string, HostTensor> = { ...params, ...batch.feeds };
    if (!pad) {
      const rows = padBatch(examples, 0, batch.longest);
      const dims = [examples.length, batch.longest];
      feeds[FEED.inputIds] = { dtype: 'int64', dims, data: BigInt64Array.from(rows.inputIds.flat(), BigInt) };
      feeds[FEED.labels] = { dtype: 'int64', dims, data: BigInt64Array.from(rows.labels.flat(), BigInt) };
      feeds[FEED.tokenMask] = { dtype: 'float32', dims, data: Float32Array.from(rows.attentionMask.flat()) };
    }
    const masks = new SeededRandom(11);
    for (const input of graph.dropoutInputs) feeds[input.name] = dropoutMask(masks, 0.2, examples.length, length, input.dIn, batch.longest);
    return { length, out: await graph.session.run(feeds, graph.fetch) };
  };
  const plain = await step(false);
  const padded = await step(true);
  assert.equal(plain.length, 7);
  assert.equal(padded.length, 16);
  for (const name of graph.fetch) {
    const a = plain.out[name].data as Float32Array;
    const b = padded.out[name].data as Float32Array;
    assert.equal(a.length, b.length, name);
    const scale = Math.max(1e-6, ...Array.from(a, Math.abs));
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * scale, `${name}[${i}]: ${a[i]} unpadded, ${b[i]} padded`);
  }
  assert.ok((plain.out.loss.data as Float32Array)[0] > 0);
  await graph.session.dispose();
});
