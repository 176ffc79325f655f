import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  describeModel, loadModel, modelFacts, randomModel, readArchitecture, saveHfFolder, saveLlama2c, tinyConfig, withRopeLayout, type LoadedModel,
} from '../../../src/core/model';
import { sharedFile, tempDir } from './helpers';

function assertSameTensors(actual: LoadedModel, expected: LoadedModel, tolerance = 0): void {
  assert.deepEqual([...actual.tensors.keys()].sort(), [...expected.tensors.keys()].sort());
  for (const [name, t] of expected.tensors) {
    const got = actual.tensors.get(name)!;
    assert.deepEqual(got.dims, t.dims, name);
    for (let i = 0; i < t.data.length; i++) {
      if (Math.abs(got.data[i] - t.data[i]) > tolerance * Math.max(1, Math.abs(t.data[i]))) assert.fail(`${name}[${i}]: ${got.data[i]} vs ${t.data[i]}`);
    }
  }
}

test('HF folders round-trip: single file, sharded with an index, F16 and BF16', () => {
  const model = randomModel(tinyConfig({ modelType: 'qwen2', attentionBias: true, numKvHeads: 2, tieWordEmbeddings: true }), 7);
  const cases = [{}, { tensorsPerShard: 5 }, { dtype: 'F16' as const }, { dtype: 'BF16' as const, tensorsPerShard: 9 }];
  for (const options of cases) {
    const dir = saveHfFolder(model, path.join(tempDir(), 'hf'), options);
    assert.equal(fs.existsSync(path.join(dir, 'model.safetensors.index.json')), options.tensorsPerShard !== undefined);
    const back = loadModel(dir);
    assert.equal(back.format, 'hf');
    assert.deepEqual({ ...back.config, modelType: 'qwen2' }, model.config);
    assertSameTensors(back, model, options.dtype === 'BF16' ? 8e-3 : options.dtype === 'F16' ? 1e-3 : 0);
  }
});

test('llama2.c checkpoints round-trip, tied (positive vocab) and untied (negative vocab)', () => {
  for (const tieWordEmbeddings of [true, false]) {
    const model = randomModel(tinyConfig({ modelType: 'llama2c', ropeLayout: 'interleaved', numKvHeads: 2, tieWordEmbeddings }), 3);
    const file = saveLlama2c(model, path.join(tempDir(), 'model.bin'));
    assert.equal(new Int32Array(fs.readFileSync(file).buffer, 0, 7)[5], tieWordEmbeddings ? 64 : -64);
    const back = loadModel(file);
    assert.equal(back.format, 'llama2c');
    assert.deepEqual(back.config, model.config);
    assertSameTensors(back, model);
  }
});

test('saving converts the RoPE layout by permuting q/k rows (and back, exactly)', () => {
  const half = randomModel(tinyConfig({ numKvHeads: 2 }), 5);
  const loaded = loadModel(saveLlama2c(half, path.join(tempDir(), 'from-half.bin')));
  assert.equal(loaded.config.ropeLayout, 'interleaved');
  assert.notDeepEqual(loaded.tensors.get('model.layers.0.self_attn.q_proj.weight'), half.tensors.get('model.layers.0.self_attn.q_proj.weight'));
  assertSameTensors(withRopeLayout(loaded, 'half'), half);
  const interleaved = randomModel(tinyConfig({ ropeLayout: 'interleaved' }), 6);
  const viaHf = loadModel(saveHfFolder(interleaved, path.join(tempDir(), 'hf')));
  assertSameTensors(withRopeLayout(viaHf, 'interleaved'), interleaved);
});

test('describeModel reads headers only and lists the seven modules of every layer', () => {
  const dir = saveHfFolder(randomModel(tinyConfig({ numLayers: 3 })), path.join(tempDir(), 'hf'));
  const described = describeModel(dir);
  assert.equal(described.format, 'hf');
  assert.equal(described.modules.length, 21);
  assert.equal(described.modules[0], 'model.layers.0.self_attn.q_proj');
  assert.equal(described.modules[20], 'model.layers.2.mlp.down_proj');
  assert.deepEqual(modelFacts(path.join(dir, 'nope')), { status: 'missing', detail: `${path.join(dir, 'nope')} does not exist` });
  fs.rmSync(path.join(dir, 'model.safetensors'));
  assert.equal(readArchitecture(dir).numLayers, 3, 'config.json alone is enough for the architecture');
  assert.throws(() => describeModel(dir), /has config\.json but neither model\.safetensors nor model\.safetensors\.index\.json/);
});

function brokenHfFolder(edit: (dir: string) => void): string {
  const dir = saveHfFolder(randomModel(tinyConfig()), path.join(tempDir(), 'broken'));
  edit(dir);
  return dir;
}

const editConfig = (change: Record<string, unknown>) => (dir: string) => {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...change }));
};

test('errors name the file and the tensor or field', () => {
  const unsupported = brokenHfFolder(editConfig({ model_type: 'gpt2' }));
  assert.throws(() => loadModel(unsupported), /config\.json: model_type "gpt2" is not supported \(supported: llama, qwen2, mistral\)/);
  const badShape = brokenHfFolder(editConfig({ intermediate_size: 40 }));
  assert.throws(() => loadModel(badShape), /model\.safetensors: tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[48,32\], config\.json implies \[40,32\]/);
  const missingField = brokenHfFolder(editConfig({ hidden_size: undefined }));
  assert.throws(() => describeModel(missingField), /config\.json: field "hidden_size" must be a whole number/);
  const missingTensor = brokenHfFolder(editConfig({ tie_word_embeddings: false, model_type: 'mistral' }));
  fs.rmSync(path.join(missingTensor, 'model.safetensors'));
  saveHfFolder({ ...randomModel(tinyConfig({ tieWordEmbeddings: true })) }, path.join(missingTensor, 'tmp'));
  fs.renameSync(path.join(missingTensor, 'tmp', 'model.safetensors'), path.join(missingTensor, 'model.safetensors'));
  assert.throws(() => loadModel(missingTensor), /model\.safetensors: missing tensor lm_head\.weight/);
  const scaled = brokenHfFolder(editConfig({ rope_scaling: { rope_type: 'yarn', factor: 8 } }));
  assert.throws(() => describeModel(scaled), /config\.json: rope_scaling .*yarn.* is not supported/);
  const halfLlama3 = brokenHfFolder(editConfig({ rope_scaling: { rope_type: 'llama3', factor: 8 } }));
  assert.throws(() => describeModel(halfLlama3), /config\.json: rope_scaling\.low_freq_factor must be a positive number/);
  const facts = modelFacts(unsupported);
  assert.equal(facts.status, 'unreadable');
});

test('truncated files are reported with the file and the tensor they cut', () => {
  const dir = saveHfFolder(randomModel(tinyConfig()), path.join(tempDir(), 'hf'));
  const weights = path.join(dir, 'model.safetensors');
  fs.truncateSync(weights, fs.statSync(weights).size - 100);
  assert.throws(() => loadModel(dir), /model\.safetensors: tensor lm_head\.weight runs past the end of the file/);
  const file = saveLlama2c(randomModel(tinyConfig({ ropeLayout: 'interleaved', modelType: 'llama2c' })), path.join(tempDir(), 'm.bin'));
  fs.truncateSync(file, 28 + 64 * 32 * 4 + 10);
  assert.throws(() => loadModel(file), /m\.bin: the file ends inside model\.layers\.0\.input_layernorm\.weight/);
  fs.truncateSync(file, 20);
  assert.throws(() => loadModel(file), /m\.bin: the file ends inside the llama2\.c header/);
});

const stories = sharedFile('models/stories260K/stories260K.bin');
test('the real stories260K.bin loads (llama2.c, GQA, tied)', 'skip' in stories ? { skip: stories.skip } : {}, () => {
  if (!('file' in stories)) return;
  const model = loadModel(stories.file);
  assert.deepEqual(
    [model.config.hiddenSize, model.config.intermediateSize, model.config.numLayers, model.config.numHeads, model.config.numKvHeads, model.config.vocabSize],
    [64, 172, 5, 8, 4, 512],
  );
  assert.equal(model.config.tieWordEmbeddings, true);
  assert.equal(model.config.ropeLayout, 'interleaved');
  assert.equal(model.tensors.size, 2 + 5 * 9);
  assert.deepEqual(model.tensors.get('model.layers.4.self_attn.k_proj.weight')?.dims, [32, 64]);
  assert.ok(model.tensors.get('model.norm.weight')!.data.every((x) => Number.isFinite(x) && x !== 0));
  assert.equal(describeModel(stories.file).modules.length, 35);
});
