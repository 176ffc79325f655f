// The one input loader over a generated HF folder with the tokenizer fixture: tasks encoded and validated, skipped
// records counted per file, the tokenizer error, the context-window cap; then the base model it yields runs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractAnswer } from '../../../src/core/data';
import { EngineSession, Graph } from '../../../src/core/engine';
import { loadExperiment } from '../../../src/core/experiment/load';
import { randomModel, saveHfFolder, tinyConfig } from '../../../src/core/model';
import { baseModelOf } from '../../../src/core/jobs/baseModel';
import { loadInputs, modelSpecOf, taskFilesOf } from '../../../src/core/jobs/loadInputs';
import { tempDir } from '../model/helpers';
import { writeTokenizerFixture } from '../model/tokenizerFixture';

const RECORDS = [{ instruction: 'hello', input: '', output: 'the correct answer is true', answer: 'true' }, { instruction: 'world', input: 'hold', output: 'false', answer: 'false' }];

function workspace(options: { tokenizer?: boolean; trainLines?: string } = {}): string {
  const dir = tempDir('smoe-inputs-');
  const modelDir = saveHfFolder(randomModel(tinyConfig({ vocabSize: 277, numKvHeads: 2, maxPositions: 512 }), 9), path.join(dir, 'model'));
  if (options.tokenizer !== false) writeTokenizerFixture(modelDir);
  fs.writeFileSync(path.join(dir, 'train.jsonl'), options.trainLines ?? RECORDS.map((r) => JSON.stringify(r)).join('\n'));
  fs.writeFileSync(path.join(dir, 'test.json'), JSON.stringify(RECORDS));
  fs.writeFileSync(path.join(dir, 'tokens.jsonl'), `${JSON.stringify({ input_ids: [1, 5, 7, 9], labels: [-100, -100, 7, 9] })}\n`);
  const experiment = {
    name: 'inputs', model: { path: 'model' },
    tasks: [{ name: 'boolq', train: 'train.jsonl', test: 'test.json' }, { name: 'ids', train: 'tokens.jsonl' }],
  };
  const file = path.join(dir, 'x.smoe.json');
  fs.writeFileSync(file, JSON.stringify(experiment));
  return file;
}

function request(file: string, extra: Partial<Parameters<typeof loadInputs>[0]> = {}): Parameters<typeof loadInputs>[0] {
  const loaded = loadExperiment(file);
  return { model: modelSpecOf(loaded), tasks: taskFilesOf(loaded, 'train'), maxLength: 512, trainOnInputs: false, ...extra };
}

test('loadInputs encodes text and pre-tokenized tasks with one tokenizer and counts what it kept', () => {
  const inputs = loadInputs(request(workspace()));
  assert.equal(inputs.located.config.vocabSize, 277);
  assert.deepEqual(inputs.tasks.map((t) => [t.name, t.format, t.examples.length]), [['boolq', 'llm-adapters', 2], ['ids', 'pretokenized', 1]]);
  const [first] = inputs.tasks[0].examples;
  assert.equal(first.encoded.inputIds[0], 1, 'BOS first');
  assert.ok(first.encoded.labels[0] === -100 && first.encoded.labels.some((l) => l !== -100), 'response-only labels');
  assert.equal(first.promptIds, undefined, 'prompts are only encoded when asked for');
  assert.deepEqual(inputs.tasks[1].examples[0].encoded, { inputIds: [1, 5, 7, 9], labels: [-100, -100, 7, 9] });
  assert.deepEqual(inputs.skipped.map((s) => [s.task, s.records, s.skipped, s.unscored]), [['boolq', 2, 0, 0], ['ids', 1, 0, 0]]);
});

test('loadInputs reports malformed records per file in a structured form', () => {
  const lines = [JSON.stringify(RECORDS[0]), '{"instruction": 3}', 'not json', JSON.stringify(RECORDS[1])].join('\n');
  const inputs = loadInputs(request(workspace({ trainLines: lines })));
  const [boolq] = inputs.skipped;
  assert.deepEqual([boolq.records, boolq.skipped, inputs.tasks[0].examples.length], [4, 2, 2]);
  assert.equal(boolq.reasons.length, 2);
  assert.match(boolq.reasons[0], /train\.jsonl:2: /);
  assert.match(boolq.reasons[1], /train\.jsonl:3: /);
});

test('loadInputs rejects a pre-tokenized id outside the vocabulary, naming the file and record', () => {
  const file = workspace();
  fs.writeFileSync(path.join(path.dirname(file), 'tokens.jsonl'), `${JSON.stringify({ input_ids: [1, 2], labels: [1, 2] })}\n${JSON.stringify({ input_ids: [1, 300], labels: [1, 300] })}\n`);
  assert.throws(() => loadInputs(request(file)), /tokens\.jsonl:2: "input_ids"\[1\] is token id 300, outside the vocabulary of 277 tokens of .*; re-tokenize the file/);
});

test('loadInputs names the fix when text records have no tokenizer, and pre-tokenized ones need none', () => {
  const file = workspace({ tokenizer: false });
  assert.throws(() => loadInputs(request(file)), /train\.jsonl holds text records, but .*model has no tokenizer\.json or tokenizer\.bin beside it; give one with model\.tokenizer in the experiment file/);
  const ids = loadInputs({ ...request(file), tasks: taskFilesOf(loadExperiment(file), 'train').slice(1) });
  assert.equal(ids.tokenizer, undefined);
  assert.equal(ids.tasks[0].examples.length, 1);
});

test('loadInputs caps maxLength at the context window and says so', () => {
  const inputs = loadInputs(request(workspace(), { maxLength: 1024 }));
  assert.equal(inputs.maxLength, inputs.located.config.maxPositions);
  assert.ok(inputs.maxLength < 1024);
  assert.match(inputs.notices[0], /maxLength 1024 is longer than the model's context window of \d+ tokens/);
});

test('the test split with prompts feeds generation: answers, pattern, logits and KV-cache greedy', async () => {
  const file = workspace();
  const loaded = loadExperiment(file);
  const inputs = loadInputs({ ...request(file), tasks: taskFilesOf(loaded, 'test'), limit: 1, prompts: true });
  assert.deepEqual(inputs.tasks.map((t) => t.name), ['boolq'], 'tasks without a test file are left out');
  const [example] = inputs.tasks[0].examples;
  assert.equal(inputs.tasks[0].examples.length, 1);
  assert.equal(example.answer, 'true');
  assert.equal(extractAnswer('so: the answer is false.', inputs.tasks[0].pattern), 'false');
  const model = baseModelOf(inputs);
  const g = new Graph('logits');
  g.output(model.buildLogits(g, g.input('input_ids', 'int64', ['batch', 'seq'])), 'logits');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const out = await session.run({ input_ids: { dtype: 'int64', dims: [1, 3], data: BigInt64Array.from([1n, 5n, 7n]) } });
  assert.deepEqual(out.logits.dims, [1, 3, 277]);
  await session.dispose();
  const generator = await model.createGenerator(undefined, { device: 'cpu' });
  const ids = await generator.greedy(example.promptIds ?? [], 5);
  assert.ok(ids.length <= 5 && ids.every((id) => id >= 0 && id < 277));
  assert.equal(typeof model.decode(ids), 'string');
  await generator.dispose();
});
