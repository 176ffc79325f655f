// ModelAccess over a generated HF folder with the tokenizer fixture: tasks encoded, logits builder, generator with and without an adapter.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineSession, Graph } from '../../../src/core/engine';
import { loadExperiment } from '../../../src/core/experiment/load';
import { randomModel, saveHfFolder, tinyConfig } from '../../../src/core/model';
import { modelAccess } from '../../../src/core/jobs/modelAccess';
import { tempDir } from './helpers';
import { writeTokenizerFixture } from './tokenizerFixture';

function workspace(): string {
  const dir = tempDir('smoe-access-');
  const modelDir = saveHfFolder(randomModel(tinyConfig({ vocabSize: 277, numKvHeads: 2 }), 9), path.join(dir, 'model'));
  writeTokenizerFixture(modelDir);
  const records = [{ instruction: 'hello', input: '', output: 'the correct answer is true', answer: 'true' }, { instruction: 'world', input: 'hold', output: 'false', answer: 'false' }];
  fs.writeFileSync(path.join(dir, 'train.json'), JSON.stringify(records));
  fs.writeFileSync(path.join(dir, 'test.json'), JSON.stringify(records));
  const experiment = { name: 'access', model: { path: 'model' }, tasks: [{ name: 'boolq', train: 'train.json', test: 'test.json' }] };
  const file = path.join(dir, 'x.smoe.json');
  fs.writeFileSync(file, JSON.stringify(experiment));
  return file;
}

test('modelAccess loads an HF folder with its tokenizer, encodes tasks and generates with the KV cache', async (t) => {
  let loaded;
  try {
    loaded = loadExperiment(workspace());
  } catch (error) {
    t.skip(`the experiment loader rejected the minimal experiment file (${(error as Error).message})`);
    return;
  }
  const model = await modelAccess.loadBaseModel(loaded);
  assert.equal(model.config.vocabSize, 277);
  const [task] = await modelAccess.loadTrainTasks(loaded, model, { maxLength: 1024, trainOnInputs: false });
  assert.equal(task.examples.length, 2);
  assert.equal(task.examples[0].inputIds[0], 1, 'BOS first');
  assert.ok(task.examples[0].labels.some((l) => l !== -100) && task.examples[0].labels[0] === -100);
  const { examples, pattern } = await modelAccess.loadTestTask(loaded, model, 0, { maxLength: 1024, limit: 1 });
  assert.equal(examples.length, 1);
  assert.equal(modelAccess.extractAnswer('so: the answer is false.', pattern), 'false');
  const g = new Graph('logits');
  g.output(model.buildLogits(g, g.input('input_ids', 'int64', ['batch', 'seq'])), 'logits');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const out = await session.run({ input_ids: { dtype: 'int64', dims: [1, 3], data: BigInt64Array.from([1n, 5n, 7n]) } });
  assert.deepEqual(out.logits.dims, [1, 3, 277]);
  await session.dispose();
  const generator = await model.createGenerator(undefined, { device: 'cpu' });
  const ids = await generator.greedy(examples[0].promptIds, 5);
  assert.ok(ids.length <= 5 && ids.every((id) => id >= 0 && id < 277));
  assert.equal(typeof model.decode(ids), 'string');
  await generator.dispose();
});
