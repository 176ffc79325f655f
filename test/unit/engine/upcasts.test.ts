// scheduleUpcasts: each up-cast of a stored initializer waits for its first consumer's activation, values unchanged.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { EngineSession, Graph, gradients, scheduleUpcasts, type Tensor } from '../../../src/core/engine';
import { float32ToFloat16 } from '../../../src/core/model/halfFloat';

function chain(): { g: Graph; x: Tensor; casts: Tensor[] } {
  const g = new Graph('chain');
  const x = g.input('x', 'float32', ['rows', 3]);
  const casts: Tensor[] = [];
  let h = x;
  for (let layer = 0; layer < 3; layer++) {
    const data = Float32Array.from({ length: 9 }, (_, i) => ((i + layer) % 5) / 4 - 0.5);
    const w = g.initializer(`w${layer}`, { dtype: 'float16', dims: [3, 3], data: float32ToFloat16(data) });
    casts.push(g.cast(w, 'float32'));
    h = g.gemm(h, casts[layer], { transB: true });
  }
  const loss = g.reduceSum(g.mul(h, h), undefined, false);
  g.output(loss, 'loss');
  g.output(gradients(g, loss, [x])[0], 'dx');
  return { g, x, casts };
}

test('every Cast of an initializer is re-made after its consumer input and the graph stays topologically ordered', () => {
  const { g, casts } = chain();
  assert.equal(scheduleUpcasts(g), 6, 'three forward and three backward up-casts');
  const position = new Map(g.nodes.map((n, i) => [n, i]));
  for (const node of g.nodes) {
    for (const input of node.inputs) if (input?.producer) assert.ok((position.get(input.producer) ?? -1) < (position.get(node) ?? -1), `${node.name} reads ${input.name} before it is made`);
    if (node.opType === 'Gemm') assert.ok(!node.inputs.some((t) => t && casts.includes(t)), `${node.name} still reads an early up-cast`);
  }
  const lateCasts = g.nodes.filter((n) => n.opType === 'Cast' && n.inputs[0]?.producer?.opType === 'Reshape');
  assert.equal(lateCasts.length, 6);
});

test('scheduled up-casts compute the same values', async () => {
  const feeds = { x: { dtype: 'float32' as const, dims: [2, 3], data: Float32Array.from([0.1, -0.2, 0.3, 0.5, 0.25, -1]) } };
  const run = async (schedule: boolean) => {
    const { g } = chain();
    if (schedule) scheduleUpcasts(g);
    const session = await EngineSession.fromGraph(g, { device: 'cpu' });
    try {
      return await session.run(feeds);
    } finally {
      await session.dispose();
    }
  };
  const [plain, scheduled] = [await run(false), await run(true)];
  assert.deepEqual(Array.from(scheduled.dx.data as Float32Array), Array.from(plain.dx.data as Float32Array));
  assert.deepEqual(Array.from(scheduled.loss.data as Float32Array), Array.from(plain.loss.data as Float32Array));
});
