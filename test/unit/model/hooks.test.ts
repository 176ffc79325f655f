// The adapter hook sees every projection (input x, output y) and can replace y; the loss head differentiates through it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { EngineSession, Graph, gradients } from '../../../src/core/engine';
import { buildDecoder, decoderLoss, frozenWeights, MODULE_TYPES, randomModel, tinyConfig, type ProjectionContext } from '../../../src/core/model';

test('the hook is called once per projection with its x and y, may replace y, and dL/dy is available', async () => {
  const model = randomModel(tinyConfig({ numKvHeads: 2, attentionBias: true, modelType: 'qwen2' }), 21);
  const g = new Graph('hooked');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const labels = g.input('labels', 'int64', ['batch', 'seq']);
  const seen: ProjectionContext[] = [];
  const adapt = (ctx: ProjectionContext) => {
    seen.push(ctx);
    return ctx.name === 'model.layers.1.mlp.down_proj' ? g.mul(ctx.output, 0) : ctx.output;
  };
  const { logits } = buildDecoder(g, { config: model.config, weight: frozenWeights(g, model), inputIds, adapt });
  assert.deepEqual(seen.map((c) => c.type), [...MODULE_TYPES.slice(0, 4), 'gate_proj', 'up_proj', 'down_proj', ...MODULE_TYPES.slice(0, 4), 'gate_proj', 'up_proj', 'down_proj']);
  assert.equal(seen[3].input.shape[2], 32, 'o_proj input is the attention output');
  const { loss } = decoderLoss(g, logits, labels, 'sumOfExampleMeans');
  const qOutput = seen[0].output;
  const [dY] = gradients(g, loss, [qOutput]);
  g.output(loss, 'loss');
  g.output(dY, 'dy');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const out = await session.run({
    input_ids: { dtype: 'int64', dims: [1, 4], data: BigInt64Array.from([1n, 3n, 5n, 7n]) },
    labels: { dtype: 'int64', dims: [1, 4], data: BigInt64Array.from([-100n, 3n, 5n, 7n]) },
  });
  await session.dispose();
  assert.ok(Number.isFinite((out.loss.data as Float32Array)[0]));
  assert.deepEqual(out.dy.dims, [1, 4, 32]);
  assert.ok((out.dy.data as Float32Array).some((v) => v !== 0));
});
