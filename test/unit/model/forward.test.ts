// The ONNX decoder agrees with the plain-TS reference (max abs logit difference < 1e-4) for every variant and format.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  llama2cProblems, loadModel, locateCheckpoint, randomModel, saveHfFolder, saveLlama2c, tinyConfig, type LoadedModel, type ModelConfig,
} from '../../../src/core/model';
import { LogitsRunner } from '../../../src/core/model/decoder/sessions';
import type { ModelWeights } from '../../../src/core/model/decoder/weightSource';
import { maxAbsDiff, sharedFile, tempDir } from './helpers';
import { referenceLogits } from './referenceForward';

const TOLERANCE = 1e-4;

const VARIANTS: Record<string, Partial<ModelConfig>> = {
  'llama tied MHA': { tieWordEmbeddings: true },
  'llama untied GQA': { numKvHeads: 2, ropeTheta: 500000 },
  'llama3 rope_scaling GQA tied': { numKvHeads: 2, tieWordEmbeddings: true, ropeScaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 } },
  'qwen2 biases GQA tied': { modelType: 'qwen2', attentionBias: true, numKvHeads: 1, rmsNormEps: 1e-6 },
  'llama2.c interleaved GQA untied': { modelType: 'llama2c', ropeLayout: 'interleaved', numKvHeads: 2 },
  'llama2.c interleaved tied': { modelType: 'llama2c', ropeLayout: 'interleaved', tieWordEmbeddings: true },
};

const ROWS = [[1, 5, 9, 33, 2, 60, 17, 4, 8], [1, 40, 3]];

async function onnxLogits(model: ModelWeights, rows: number[][]): Promise<Float32Array> {
  const runner = await LogitsRunner.create(model, { device: 'cpu' });
  try {
    return await runner.logits(rows);
  } finally {
    await runner.dispose();
  }
}

/** Compares each row's real (unpadded) positions with the reference run on that row alone. */
async function assertAgrees(model: ModelWeights, reference: LoadedModel, label: string): Promise<void> {
  const logits = await onnxLogits(model, ROWS);
  const vocab = reference.config.vocabSize;
  const seq = Math.max(...ROWS.map((r) => r.length));
  ROWS.forEach((row, b) => {
    const expected = referenceLogits(reference, row);
    row.forEach((_, t) => {
      const got = logits.subarray((b * seq + t) * vocab, (b * seq + t + 1) * vocab);
      const diff = maxAbsDiff(got, expected[t]);
      assert.ok(diff < TOLERANCE, `${label}: row ${b} position ${t} differs by ${diff}`);
    });
  });
}

function savedForms(model: LoadedModel, dir: string): { label: string; weights: ModelWeights; reference: LoadedModel }[] {
  const forms: { label: string; weights: ModelWeights; reference: LoadedModel }[] = [{ label: 'in memory', weights: model, reference: model }];
  const hf = saveHfFolder(model, path.join(dir, 'hf'));
  forms.push({ label: 'HF folder (loaded)', weights: loadModel(hf), reference: model });
  forms.push({ label: 'HF folder (file slices)', weights: locateCheckpoint(hf), reference: model });
  const sharded = saveHfFolder(model, path.join(dir, 'sharded'), { tensorsPerShard: 4, dtype: 'BF16' });
  forms.push({ label: 'HF sharded BF16 (file slices + Cast)', weights: locateCheckpoint(sharded), reference: loadModel(sharded) });
  const f16 = saveHfFolder(model, path.join(dir, 'f16'), { dtype: 'F16' });
  forms.push({ label: 'HF F16 (loaded)', weights: loadModel(f16), reference: loadModel(f16) });
  if (llama2cProblems(model.config).length === 0) {
    const bin = saveLlama2c(model, path.join(dir, 'model.bin'));
    forms.push({ label: 'llama2.c (loaded)', weights: loadModel(bin), reference: model });
    forms.push({ label: 'llama2.c (file slices)', weights: locateCheckpoint(bin), reference: model });
  }
  return forms;
}

for (const [variant, overrides] of Object.entries(VARIANTS)) {
  test(`ONNX forward == reference forward: ${variant}, every format`, async () => {
    const model = randomModel(tinyConfig(overrides), variant.length);
    for (const form of savedForms(model, tempDir())) await assertAgrees(form.weights, form.reference, `${variant} / ${form.label}`);
  });
}

const stories = sharedFile('models/stories260K/stories260K.bin');
test('ONNX forward == reference forward on stories260K.bin', 'skip' in stories ? { skip: stories.skip } : {}, async () => {
  if (!('file' in stories)) return;
  const model = loadModel(stories.file);
  const row = [1, 403, 407, 261, 378, 1153 % 512, 42, 300, 11, 99, 12, 256, 7, 490, 2, 88];
  const logits = await onnxLogits(locateCheckpoint(stories.file), [row]);
  const expected = referenceLogits(model, row);
  const vocab = model.config.vocabSize;
  const worst = Math.max(...row.map((_, t) => maxAbsDiff(logits.subarray(t * vocab, (t + 1) * vocab), expected[t])));
  assert.ok(worst < TOLERANCE, `max abs logit difference ${worst}`);
});
