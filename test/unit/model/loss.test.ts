// The loss head: HF label shift (position t predicts labels[t+1]), -100 not scored, mean over the batch's scored tokens.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { EngineSession, Graph } from '../../../src/core/engine';
import { buildDecoder, decoderLoss, frozenWeights, randomModel, tinyConfig, type LoadedModel } from '../../../src/core/model';
import { referenceLogits } from './referenceForward';

const IGNORE = -100;
const ROWS = [[1, 5, 9, 33, 2, 60], [1, 40, 3]];
/** Row 0 scores its last three tokens, row 1 its last two; padding is never scored. */
const LABELS = [[IGNORE, IGNORE, IGNORE, 33, 2, 60], [IGNORE, 40, 3, IGNORE, IGNORE, IGNORE]];

function referenceMeanLoss(model: LoadedModel): number {
  let total = 0;
  let scored = 0;
  ROWS.forEach((row, b) => {
    const logits = referenceLogits(model, row);
    for (let t = 0; t + 1 < row.length; t++) {
      const target = LABELS[b][t + 1];
      if (target === IGNORE) continue;
      const peak = Math.max(...logits[t]);
      const logSumExp = peak + Math.log(logits[t].reduce((sum, v) => sum + Math.exp(v - peak), 0));
      total += logSumExp - logits[t][target];
      scored += 1;
    }
  });
  return total / scored;
}

async function onnxMeanLoss(model: LoadedModel): Promise<number> {
  const g = new Graph('loss');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'float32', ['batch', 'seq']);
  const labels = g.input('labels', 'int64', ['batch', 'seq']);
  const { logits } = buildDecoder(g, { config: model.config, weight: frozenWeights(g, model), inputIds, attentionMask });
  g.output(decoderLoss(g, logits, labels).loss, 'loss');
  const seq = ROWS[0].length;
  const padded = ROWS.flatMap((row) => [...row, ...new Array<number>(seq - row.length).fill(0)]);
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  try {
    const out = await session.run({
      input_ids: { dtype: 'int64', dims: [2, seq], data: BigInt64Array.from(padded, BigInt) },
      attention_mask: { dtype: 'float32', dims: [2, seq], data: Float32Array.from(ROWS.flatMap((row) => Array.from({ length: seq }, (_, t) => (t < row.length ? 1 : 0)))) },
      labels: { dtype: 'int64', dims: [2, seq], data: BigInt64Array.from(LABELS.flat(), BigInt) },
    });
    return (out.loss.data as Float32Array)[0];
  } finally {
    await session.dispose();
  }
}

test('decoderLoss == reference cross-entropy on a right-padded batch with -100 labels', async () => {
  const model = randomModel(tinyConfig({ numKvHeads: 2 }), 31);
  const expected = referenceMeanLoss(model);
  const got = await onnxMeanLoss(model);
  assert.ok(Math.abs(got - expected) < 1e-5, `loss ${got} vs reference ${expected}`);
});
