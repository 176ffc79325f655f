// Evaluation's generator: the model layer's KV cache with the adapter installed must pick the same greedy ids as
// re-running the whole sequence through the training layer's logits (base model + the same adapter) per token.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../../../src/core/data';
import { EngineSession, Graph } from '../../../src/core/engine';
import { loadExperiment } from '../../../src/core/experiment/load';
import { argmax, stopIdsOf } from '../../../src/core/model';
import { AdapterGraph } from '../../../src/core/model/adapters/adapterGraph';
import { adaptedModules, loraMoeConfig } from '../../../src/core/model/adapters/config';
import { adapterParamSpecs, initialParams } from '../../../src/core/model/adapters/params';
import { baseModelOf } from '../../../src/core/jobs/baseModel';
import { loadInputs, modelSpecOf, taskFilesOf } from '../../../src/core/jobs/loadInputs';
import type { BaseModel } from '../../../src/core/train/baseModel';
import type { AdapterValues } from '../../../src/core/train/evalLoss';
import { tinyExpertMap, writeTinyWorkspace } from './tinyWorkspace';

process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'train-home-'));

const SESSION = { device: 'cpu' as const, intraOpThreads: 1 };
const NEW_TOKENS = 12;

/** A trained-looking adapter: Kaiming A and router, and every B non-zero (a fresh adapter's zero B changes nothing). */
function nonZeroAdapter(base: BaseModel, style: 'shared-a' | 'independent'): AdapterValues {
  const config = loraMoeConfig({ style, rank: 4, alpha: 8, dropout: 0.05, targetModules: [], topK: 2, balanceLossCoef: 0.01 }, tinyExpertMap());
  const modules = adaptedModules(config, base.config);
  const params = initialParams(adapterParamSpecs(config, modules), 3);
  const random = new SeededRandom(17);
  for (const [name, data] of params) if (name.includes('.lora_B')) data.forEach((_, i) => { data[i] = 2 * random.next() - 1; });
  return { config, modules, params };
}

/** Greedy by recomputation: the full sequence through base.buildLogits with the adapter, last position's argmax. */
async function greedyByRecomputation(base: BaseModel, adapter: AdapterValues, promptIds: readonly number[]): Promise<number[]> {
  const g = new Graph('recompute');
  const ids = g.input('input_ids', 'int64', [1, 'seq']);
  const adapters = new AdapterGraph(g, adapter.config, adapter.modules, { training: false });
  g.output(base.buildLogits(g, ids, adapters.hook), 'logits');
  const session = await EngineSession.fromGraph(g, SESSION);
  const feeds = Object.fromEntries(adapters.specs.map((s) => [s.name, { dtype: 'float32' as const, dims: [...s.dims], data: adapter.params.get(s.name) as Float32Array }]));
  const stops = stopIdsOf(base.config);
  const sequence = [...promptIds];
  const out: number[] = [];
  try {
    while (out.length < NEW_TOKENS) {
      const logits = (await session.run({ ...feeds, input_ids: { dtype: 'int64', dims: [1, sequence.length], data: BigInt64Array.from(sequence, BigInt) } })).logits.data as Float32Array;
      const vocab = base.config.vocabSize;
      const next = argmax(logits.subarray((sequence.length - 1) * vocab, sequence.length * vocab));
      if (stops.includes(next)) break;
      out.push(next);
      sequence.push(next);
    }
    return out;
  } finally {
    await session.dispose();
  }
}

async function greedyWith(base: BaseModel, adapter: AdapterValues | undefined, promptIds: readonly number[]): Promise<number[]> {
  const generator = await base.createGenerator(adapter, SESSION);
  try {
    return await generator.greedy(promptIds, NEW_TOKENS);
  } finally {
    await generator.dispose();
  }
}

test('KV-cache greedy with a non-zero adapter == recomputation greedy with it (shared-a and independent top-2)', async () => {
  const ws = writeTinyWorkspace();
  const loaded = loadExperiment(ws.experimentFile);
  const inputs = loadInputs({ model: modelSpecOf(loaded), tasks: taskFilesOf(loaded, 'test').slice(0, 1), maxLength: 96, trainOnInputs: false, limit: 2, prompts: true });
  const base = baseModelOf(inputs);
  const examples = inputs.tasks[0].examples.map((e) => ({ ...e, promptIds: e.promptIds ?? [] }));
  const withoutAdapter = await greedyWith(base, undefined, examples[0].promptIds);
  for (const style of ['shared-a', 'independent'] as const) {
    const adapter = nonZeroAdapter(base, style);
    for (const example of examples) {
      const cached = await greedyWith(base, adapter, example.promptIds);
      assert.deepEqual(cached, await greedyByRecomputation(base, adapter, example.promptIds), `${style}: KV cache and recomputation disagree`);
      assert.ok(cached.length > 0, `${style}: generated nothing`);
    }
    assert.notDeepEqual(await greedyWith(base, adapter, examples[0].promptIds), withoutAdapter, `${style}: the adapter changes the generation`);
  }
});
