// The vocabulary-chunked LM head + cross-entropy equals the whole-logits one (loss, per-token losses, gradients),
// for in-memory float32 weights and for a bf16 checkpoint read in place.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { crossEntropy, Graph, gradients, type CrossEntropyOptions, type HostTensor, type Tensor } from '../../../src/core/engine';
import { buildDecoder, frozenWeights, loadModel, randomModel, saveHfFolder, tinyConfig, type ModelWeights } from '../../../src/core/model';
import { locateCheckpoint } from '../../../src/core/model/load';
import { sessionForModel } from '../../../src/core/model/decoder/sessions';
import { tempDir } from './helpers';

const IDS = [[5, 9, 61, 3, 7, 2], [11, 4, 8, 0, 0, 0]];
const LABELS = [[-100, -100, 61, 3, 7, 2], [-100, 4, 8, -100, -100, -100]];

function feeds(labels: number[][]): Record<string, HostTensor> {
  const int64 = (rows: number[][]): HostTensor => ({ dtype: 'int64', dims: [rows.length, rows[0].length], data: BigInt64Array.from(rows.flat().map(BigInt)) });
  return { input_ids: int64(IDS), labels: int64(labels) };
}

/** Loss, per-token loss, per-example means and dL/dy of every projection output, with the given chunking. */
async function lossAndGradients(model: ModelWeights, options: CrossEntropyOptions, labelRows = LABELS, onGraph?: (g: Graph) => void): Promise<Record<string, Float32Array>> {
  const g = new Graph('chunked');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const labels = g.input('labels', 'int64', ['batch', 'seq']);
  const outputs: Tensor[] = [];
  const { logits } = buildDecoder(g, { config: model.config, weight: frozenWeights(g, model), inputIds, adapt: (ctx) => (outputs.push(ctx.output), ctx.output) });
  const ce = crossEntropy(g, logits, labels, { shift: true, ...options });
  g.output(ce.loss, 'loss');
  g.output(ce.tokenLoss, 'token_loss');
  if (ce.perExample) g.output(ce.perExample, 'per_example');
  gradients(g, ce.loss, outputs).forEach((d, i) => g.output(d, `d${i}`));
  onGraph?.(g);
  const session = await sessionForModel(g, model, { device: 'cpu', graphOptimizationLevel: 'basic' });
  try {
    const out = await session.run(feeds(labelRows));
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data as Float32Array]));
  } finally {
    await session.dispose();
  }
}

function assertClose(actual: Record<string, Float32Array>, expected: Record<string, Float32Array>, tolerance: number): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    let diff = 0;
    let norm = 0;
    want.forEach((w, i) => { diff += (got[i] - w) ** 2; norm += w * w; });
    assert.ok(norm > 0, `${name} is all zeros: the comparison would prove nothing`);
    assert.ok(Math.sqrt(diff / norm) <= tolerance, `${name}: relative difference ${Math.sqrt(diff / norm)} > ${tolerance}`);
  }
}

for (const reduction of ['mean', 'sumOfExampleMeans'] as const) {
  test(`chunked cross-entropy (${reduction}) equals whole logits: loss, token losses and gradients to 1e-6`, async () => {
    const model = randomModel(tinyConfig({ vocabSize: 64, tieWordEmbeddings: true, attentionBias: true, modelType: 'qwen2' }), 5);
    const whole = await lossAndGradients(model, { reduction, vocabChunk: 'off' });
    for (const chunk of [7, 32, 63]) {
      for (const scoredRowsOnly of [false, true]) assertClose(await lossAndGradients(model, { reduction, vocabChunk: chunk, scoredRowsOnly }), whole, 1e-6);
    }
  });
}

test('a bf16 checkpoint read in place (chunked head, bf16 gather, per-use casts) matches the same weights in memory', async () => {
  const dir = path.join(tempDir('chunked-bf16'), 'model');
  saveHfFolder(randomModel(tinyConfig({ vocabSize: 64 }), 9), dir, { dtype: 'BF16' });
  const widened = await lossAndGradients(loadModel(dir), { vocabChunk: 'off' });
  assertClose(await lossAndGradients(locateCheckpoint(dir), { vocabChunk: 16 }), widened, 1e-6);
});

test('scoredRowsOnly: the chunked head runs on the scored rows only, and equals whole logits when every row or no row is scored', async () => {
  const model = randomModel(tinyConfig({ vocabSize: 64, tieWordEmbeddings: true, modelType: 'qwen2' }), 7);
  // Every head block's logits have one row per scored token (NonZero of the label mask), not one per position.
  await lossAndGradients(model, { vocabChunk: 16, scoredRowsOnly: true }, LABELS, (g) => {
    const picks = g.nodes.find((n) => n.opType === 'NonZero')?.outputs[0];
    assert.ok(picks, 'the scored positions are picked in the graph');
    const blockLogits = g.nodes.filter((n) => n.opType === 'Gemm' && n.outputs[0].shape[1] === 16);
    assert.equal(blockLogits.length, 64 / 16);
    for (const gemm of blockLogits) assert.equal(gemm.outputs[0].shape[0], picks.shape[1], `${gemm.outputs[0].name} has a row per scored token`);
  });
  const all = IDS.map((row) => row.map((id) => id));
  for (const reduction of ['mean', 'sumOfExampleMeans'] as const) {
    assertClose(await lossAndGradients(model, { reduction, vocabChunk: 16, scoredRowsOnly: true }, all), await lossAndGradients(model, { reduction, vocabChunk: 'off' }, all), 1e-6);
  }
  const none = IDS.map((row) => row.map(() => -100));
  for (const vocabChunk of [16, 'off'] as const) {
    const out = await lossAndGradients(model, { vocabChunk, scoredRowsOnly: true }, none);
    for (const [name, values] of Object.entries(out)) assert.ok(values.every((v) => v === 0), `${name} with no scored token (vocabChunk ${vocabChunk}): ${Array.from(values.slice(0, 4))}`);
  }
});
