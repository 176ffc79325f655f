// The editor's memory line: the estimate for the file's own probe / training settings, nothing without readable headers.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { estimatePeakMemory, GIB } from '../../../src/core/algo';
import type { ModelFacts } from '../../../src/core/experiment/facts';
import { experimentEstimate, experimentMemory, memoryLensTitle } from '../../../src/core/experiment/memoryLens';
import { allModules } from '../../../src/core/model/config';
import { tinyConfig } from '../../../src/core/model/tinyModel';

const config = tinyConfig({ vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, numLayers: 24, numHeads: 14, numKvHeads: 2, headDim: 64 });
const model: ModelFacts = { status: 'ok', format: 'hf', config, modules: allModules(config).map((m) => m.name), weightBytes: 988_000_000 };

test('the probe line follows probe.batchSize (capped by samplesPerTask) and probe.maxLength', () => {
  const raw = { probe: { batchSize: 4, samplesPerTask: 2, maxLength: 128 } };
  const expected = estimatePeakMemory(config, 988_000_000, { kind: 'probe', batch: 2, length: 128, adapterParams: 0 }).peakBytes / GIB;
  assert.equal(memoryLensTitle(raw, model, 'probe', 24 * GIB), `≈ ${expected.toFixed(1)} GiB peak · fits in 24 GiB`);
});

test('the training line grows with training.microBatchSize and says when it does not fit', () => {
  const small = memoryLensTitle({ training: { microBatchSize: 1, maxLength: 128 } }, model, 'train', 24 * GIB) ?? '';
  const large = memoryLensTitle({ training: { microBatchSize: 64, maxLength: 2048 } }, model, 'train', 24 * GIB) ?? '';
  assert.match(small, /· fits in 24 GiB$/);
  assert.match(large, /does not fit in 24 GiB · layers recomputed$/);
  assert.ok(Number(/≈ ([\d.]+)/.exec(large)?.[1]) > Number(/≈ ([\d.]+)/.exec(small)?.[1]));
});

test('no line while the model cannot be read', () => {
  assert.equal(memoryLensTitle({}, { status: 'missing', detail: 'x does not exist' }, 'probe', 24 * GIB), undefined);
  assert.equal(memoryLensTitle({}, undefined, 'train', 24 * GIB), undefined);
});

test('the evaluation line follows evaluation.batchSize and training.maxLength, with the adapter the file trains', () => {
  const raw = { evaluation: { batchSize: 6 }, training: { maxLength: 256 }, adapter: { targetModules: ['q_proj'], rank: 8 } };
  const line = memoryLensTitle(raw, model, 'evaluate', 24 * GIB) ?? '';
  const estimate = experimentEstimate(raw, model, 'evaluate');
  assert.ok(estimate && estimate.parts.adapters > 0, 'the adapter counts');
  assert.equal(estimate.peakBytes, estimatePeakMemory(config, 988_000_000, { kind: 'evaluate', batch: 6, length: 256, adapterParams: estimate.parts.adapters / 4 }).peakBytes);
  assert.equal(line, `≈ ${(estimate.peakBytes / GIB).toFixed(1)} GiB peak · fits in 24 GiB`);
  const bigger = experimentEstimate({ ...raw, evaluation: { batchSize: 12 } }, model, 'evaluate');
  assert.ok(bigger && bigger.parts.activations > estimate.parts.activations);
});

test('the dashboard gets every job\'s estimate, nothing while the model cannot be read', () => {
  const raw = { probe: { batchSize: 4, samplesPerTask: 4, maxLength: 128 } };
  const memory = experimentMemory(raw, model, 24 * GIB);
  assert.deepEqual(memory?.jobs.map((j) => j.kind), ['probe', 'train', 'evaluate']);
  assert.equal(memory?.jobs[0].peakBytes, experimentEstimate(raw, model, 'probe')?.peakBytes);
  assert.equal(memory?.limitBytes, 24 * GIB);
  assert.equal(experimentMemory(raw, { status: 'unreadable', detail: 'bad header' }, 24 * GIB), undefined);
});

test('training.recompute: auto recomputes once the estimate without it passes half the machine, false never, true always', () => {
  const at = (training: Record<string, unknown>, limit = 24 * GIB) => experimentEstimate({ training: { maxLength: 256, ...training } }, model, 'train', limit);
  const small = at({ microBatchSize: 1 });
  assert.equal(small?.recompute, false, 'a small job keeps its activations');
  const large = at({ microBatchSize: 16 });
  const kept = at({ microBatchSize: 16, recompute: false });
  assert.ok(kept && kept.peakBytes > 12 * GIB, `the large job needs ${(kept?.peakBytes ?? 0) / GIB} GiB without recomputation`);
  assert.equal(large?.recompute, true);
  assert.ok(large && large.peakBytes < kept.peakBytes / 2, 'recomputation saves most of the activation memory');
  assert.equal(at({ microBatchSize: 1, recompute: true })?.recompute, true);
  assert.match(memoryLensTitle({ training: { microBatchSize: 16, maxLength: 256 } }, model, 'train', 24 * GIB) ?? '', /· layers recomputed$/);
  assert.doesNotMatch(memoryLensTitle({ probe: { recompute: false, batchSize: 64, samplesPerTask: 64, maxLength: 2048 } }, model, 'probe', 24 * GIB) ?? '', /recomputed/);
});
