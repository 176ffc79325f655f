import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { locateCheckpoint, randomModel, tinyConfig } from '../../../src/core/model';
import { greedyByRecomputation, KvCacheGenerator, stopIdsOf } from '../../../src/core/model/decoder/generator';
import { sampleTopP, tokenChooser } from '../../../src/core/model/decoder/sampling';
import { LogitsRunner } from '../../../src/core/model/decoder/sessions';
import type { ModelWeights } from '../../../src/core/model/decoder/weightSource';
import { sharedFile } from './helpers';

async function assertCacheMatchesRecomputation(model: ModelWeights, prompt: number[], maxNewTokens: number, stopIds: number[]): Promise<number[]> {
  const generator = await KvCacheGenerator.create(model, { device: 'cpu' });
  const runner = await LogitsRunner.create(model, { device: 'cpu' });
  try {
    const cached = await generator.generate(prompt, { maxNewTokens, greedy: true, stopIds });
    const recomputed = await greedyByRecomputation(runner, prompt, maxNewTokens, stopIds);
    assert.deepEqual(cached, recomputed);
    return cached;
  } finally {
    await generator.dispose();
    await runner.dispose();
  }
}

test('KV-cache greedy ids == full recomputation greedy ids (GQA, biases, both RoPE layouts)', async () => {
  const variants = [{ numKvHeads: 2 }, { modelType: 'qwen2', attentionBias: true, numKvHeads: 1 }, { ropeLayout: 'interleaved' as const, tieWordEmbeddings: true }];
  for (const [i, overrides] of variants.entries()) {
    const ids = await assertCacheMatchesRecomputation(randomModel(tinyConfig(overrides), 11 + i), [1, 7, 19, 3], 24, []);
    assert.equal(ids.length, 24);
  }
});

/** Greedy ids after BOS from a C transcription of llama2.c run.c's transformer() (float32) on stories260K.bin: test/reference/run_c_greedy.c. */
const RUN_C_GREEDY_FROM_BOS = [
  461, 461, 401, 401, 401, 461, 378, 455, 473, 456, 435, 299, 362, 409, 283, 264, 283, 452, 288, 13,
  431, 431, 431, 431, 431, 431, 431, 431, 431, 431, 431, 431, 431, 293, 430, 417, 363, 416, 315, 342,
];

const stories = sharedFile('models/stories260K/stories260K.bin');
test('KV-cache greedy == recomputation == llama2.c run.c on stories260K.bin', 'skip' in stories ? { skip: stories.skip } : {}, async () => {
  if (!('file' in stories)) return;
  const model = locateCheckpoint(stories.file);
  assert.deepEqual(stopIdsOf(model.config), [2, 1]);
  const ids = await assertCacheMatchesRecomputation(model, [1], 40, stopIdsOf(model.config));
  assert.deepEqual(ids, RUN_C_GREEDY_FROM_BOS);
});

test('generation stops at a stop id and excludes it', async () => {
  const model = loadModelFree();
  const generator = await KvCacheGenerator.create(model, { device: 'cpu' });
  try {
    const free = await generator.greedy([1, 4], 12);
    const stopAt = free[5];
    const stopped = await generator.generate([1, 4], { maxNewTokens: 12, greedy: true, stopIds: [stopAt] });
    assert.deepEqual(stopped, free.slice(0, free.indexOf(stopAt)));
  } finally {
    await generator.dispose();
  }
});

function loadModelFree() {
  return randomModel(tinyConfig({ eosTokenId: 63 }), 4);
}

test('seeded sampling is reproducible; top-p keeps only the nucleus', async () => {
  const generator = await KvCacheGenerator.create(loadModelFree(), { device: 'cpu' });
  try {
    const options = { maxNewTokens: 16, temperature: 1, topP: 0.9, seed: 42 };
    assert.deepEqual(await generator.generate([1], options), await generator.generate([1], options));
    assert.notDeepEqual(await generator.generate([1], { ...options, seed: 43 }), await generator.generate([1], options));
  } finally {
    await generator.dispose();
  }
  const probs = Float64Array.from([0.1, 0.5, 0.3, 0.1]);
  assert.equal(sampleTopP(probs, 0.7, 0), 1);
  assert.equal(sampleTopP(probs, 0.7, 0.99), 2, 'the 0.1 tokens are outside the 0.7 nucleus');
  assert.equal(sampleTopP(probs, 1, 0.99), 3);
  assert.equal(tokenChooser({ greedy: true, temperature: 5 })(Float32Array.from([0, 3, 1])), 1);
});

test('generation stops when the sequence fills the context window; a prompt past it is refused with the fix', async () => {
  const generator = await KvCacheGenerator.create(randomModel(tinyConfig({ maxPositions: 8 }), 5), { device: 'cpu' });
  try {
    const ids = await generator.generate([1, 7, 19], { maxNewTokens: 20, greedy: true, stopIds: [] });
    assert.equal(ids.length, 5, 'prompt (3) + new tokens fill the 8 positions and no more');
    await assert.rejects(generator.generate(Array(9).fill(4), { maxNewTokens: 2, greedy: true, stopIds: [] }), /the prompt has 9 tokens, more than the model's context window of 8; shorten it/);
  } finally {
    await generator.dispose();
  }
});
