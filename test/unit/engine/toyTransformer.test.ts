// Forward+backward of a 2-layer toy transformer with LoRA on every projection: build, save, load, run, check.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSession, gradients, saveModel } from '../../../src/core/engine';
import { checkGradients } from './gradcheck';
import { buildToyTransformer, TOY } from './toyTransformer';

test('toy transformer: saved with external data, loaded by path on CPU, LoRA gradients match finite differences', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toy-model-'));
  try {
    const { g, loss, lora, feeds } = buildToyTransformer('float64');
    assert.equal(lora.length, TOY.layers * 7 * 2);
    const modelPath = path.join(dir, 'toy.onnx');
    const load = async (): Promise<EngineSession> => {
      const saved = saveModel(g, modelPath, { externalThresholdBytes: 256 });
      assert.ok(saved.dataPath && fs.statSync(saved.dataPath).size > 0, 'large frozen weights go to the external-data file');
      return EngineSession.create(modelPath, { device: 'cpu', graphOptimizationLevel: 'basic', intraOpThreads: 1 });
    };
    const grads = await checkGradients(g, loss, feeds, lora, { load, maxProbes: 3 });
    const nonZero = Object.values(grads).filter((gr) => gr.some((v) => Math.abs(v) > 1e-8));
    assert.equal(nonZero.length, lora.length, 'every LoRA tensor receives a gradient');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('toy transformer: gradients w.r.t. LoRA only emit no embedding scatter and no frozen-weight gradient', () => {
  const { g, loss, lora } = buildToyTransformer('float32');
  const before = g.nodes.length;
  gradients(g, loss, lora);
  const backward = g.nodes.slice(before);
  assert.ok(!backward.some((n) => n.opType === 'ScatterND'), 'the embedding table is not on a path from the LoRA weights');
  const frozenNames = new Set([...g.initializers.keys()].filter((t) => t.kind === 'initializer').map((t) => t.name));
  assert.ok(![...frozenNames].some((name) => g.isNameUsed(`${name}_grad`)));
});

test('toy transformer: float32 training step runs with the default optimisation level and matches float64', async () => {
  const wide = buildToyTransformer('float64');
  const narrow = buildToyTransformer('float32');
  const results: number[][] = [];
  for (const model of [wide, narrow]) {
    const grads = gradients(model.g, model.loss, model.lora);
    model.g.output(model.loss, 'loss');
    grads.forEach((gr) => model.g.output(gr));
    const session = await EngineSession.fromGraph(model.g, { device: 'cpu', intraOpThreads: 1 });
    const out = await session.run(model.feeds);
    await session.dispose();
    results.push([Number(out.loss.data[0]), ...Array.from(out[grads[0].name].data as Float32Array)]);
  }
  results[0].forEach((v, i) => assert.ok(Math.abs(v - results[1][i]) < 1e-4 * (1 + Math.abs(v)), `${i}: ${v} vs ${results[1][i]}`));
});
