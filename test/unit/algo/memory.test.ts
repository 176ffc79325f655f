// The memory estimate: monotone in the settings, refusals name the settings and a run that fits.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { describeEstimate, estimatePeakMemory, GIB, largestFittingRun, memoryRefusal, resolveRecompute } from '../../../src/core/algo/memory';
import { checkSlidingWindow, type ModelConfig } from '../../../src/core/model/config';
import { parseHfConfig } from '../../../src/core/model/hfConfig';

const QWEN_05B: ModelConfig = parseHfConfig({
  model_type: 'qwen2', vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14,
  num_key_value_heads: 2, tie_word_embeddings: true, sliding_window: 32768, use_sliding_window: false,
}, 'config.json');
const BF16_BYTES = 2 * 494_032_768;

test('the estimate grows with batch and length, and training holds more than evaluation', () => {
  const at = (kind: 'probe' | 'train' | 'evaluate', batch: number, length: number) => estimatePeakMemory(QWEN_05B, BF16_BYTES, { kind, batch, length }).peakBytes;
  assert.ok(at('probe', 4, 128) > at('probe', 2, 128));
  assert.ok(at('probe', 2, 256) > at('probe', 2, 128));
  assert.ok(at('train', 2, 128) > at('evaluate', 2, 128));
  assert.ok(at('probe', 1, 16) > BF16_BYTES, 'the stored weights are always resident');
});

test('a run that fits is not refused; one that does not names the settings and the largest batch that fits', () => {
  const job = { kind: 'probe' as const, batch: 64, length: 512 };
  const settings = { batch: 'probe.batchSize', length: 'probe.maxLength' };
  assert.equal(memoryRefusal(QWEN_05B, BF16_BYTES, { ...job, batch: 1, length: 64 }, 24 * GIB, settings), undefined);
  const message = memoryRefusal(QWEN_05B, BF16_BYTES, job, 8 * GIB, settings) ?? '';
  const fit = largestFittingRun(QWEN_05B, BF16_BYTES, job, 8 * GIB);
  assert.ok(fit && fit.batch < 64 && fit.length === 512);
  assert.match(message, new RegExp(`needs ≈ [0-9.]+ GiB at 64 × 512 tokens .*this machine has 8\\.0 GiB\\. Set probe\\.batchSize ${fit.batch} \\(≈`));
  assert.ok(estimatePeakMemory(QWEN_05B, BF16_BYTES, { ...job, ...fit }).peakBytes <= 8 * GIB);
  assert.ok(estimatePeakMemory(QWEN_05B, BF16_BYTES, { ...job, batch: fit.batch + 1 }).peakBytes > 8 * GIB);
});

test('recomputation: fewer activations; auto turns it on past half the machine; a refusal suggests it when it would fit', () => {
  const job = { kind: 'train' as const, batch: 8, length: 512 };
  const kept = estimatePeakMemory(QWEN_05B, BF16_BYTES, job);
  const recomputed = estimatePeakMemory(QWEN_05B, BF16_BYTES, { ...job, recompute: true });
  assert.ok(recomputed.parts.activations < kept.parts.activations / 4, 'one layer at a time plus the checkpoints');
  assert.equal(recomputed.parts.weights, kept.parts.weights);
  assert.equal(resolveRecompute('auto', QWEN_05B, BF16_BYTES, job, 4 * kept.peakBytes), false);
  assert.equal(resolveRecompute('auto', QWEN_05B, BF16_BYTES, job, 1.5 * kept.peakBytes), true);
  assert.equal(resolveRecompute(false, QWEN_05B, BF16_BYTES, job, kept.peakBytes), false);
  const limit = (kept.peakBytes + recomputed.peakBytes) / 2;
  const settings = { batch: 'training.microBatchSize', length: 'training.maxLength', recompute: 'training.recompute' };
  assert.match(memoryRefusal(QWEN_05B, BF16_BYTES, job, limit, settings) ?? '', /Set training\.recompute true \(≈ [0-9.]+ GiB\)$/);
  assert.equal(memoryRefusal(QWEN_05B, BF16_BYTES, { ...job, recompute: true }, limit, settings), undefined);
});

test('a model larger than the machine is refused with the numbers', () => {
  const message = memoryRefusal(QWEN_05B, 30 * GIB, { kind: 'train', batch: 2, length: 128 }, 24 * GIB, { batch: 'b', length: 'l' });
  assert.match(message ?? '', /weights 30\.0 GiB.*this machine has 24\.0 GiB\. Even 1 × 16 tokens does not fit/);
  assert.match(describeEstimate(estimatePeakMemory(QWEN_05B, BF16_BYTES, { kind: 'probe', batch: 1, length: 64 }), 24 * GIB), /^≈ [0-9.]+ GiB peak · fits in 24 GiB$/);
});

test('sliding windows: Qwen2 without use_sliding_window is full attention; a short Mistral window is refused naming the field', () => {
  assert.equal(QWEN_05B.slidingWindow, undefined);
  const mistral = parseHfConfig({ model_type: 'mistral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, sliding_window: 4096 }, 'config.json');
  assert.equal(mistral.slidingWindow, 4096);
  assert.doesNotThrow(() => checkSlidingWindow(mistral, 4096, 'training.maxLength'));
  assert.throws(() => checkSlidingWindow(mistral, 8192, 'training.maxLength'), /config\.json field "sliding_window" is 4096, shorter than training\.maxLength 8192.*set training\.maxLength to at most 4096/);
});
