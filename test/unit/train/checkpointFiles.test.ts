import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { adaptedModules, loraMoeConfig, trainableParamsByFormula } from '../../../src/core/model/adapters/config';
import { ADAPTER_CONFIG_FILE, EXPERTS_FILE, checkAdapterParams, readAdapterFiles, writeAdapterFiles } from '../../../src/core/model/adapters/files';
import { adapterParamSpecs, initialParams } from '../../../src/core/model/adapters/params';
import type { ModelConfig } from '../../../src/core/model/config';
import { latestCheckpoint, listCheckpoints, readCheckpoint, removeStaleTemporaries, writeCheckpoint } from '../../../src/core/train/checkpoint';
import { TINY_MODEL_CONFIG } from '../../fixtures/experiment/tinyModel';

const model = TINY_MODEL_CONFIG as ModelConfig;
const adapterSettings = { style: 'shared-a' as const, rank: 2, alpha: 4, dropout: 0, targetModules: ['q_proj' as const, 'v_proj' as const], topK: 2, balanceLossCoef: 0.01 };
const experts = { 'model.layers.0.self_attn.q_proj': 3, 'model.layers.1.self_attn.v_proj': 1, 'model.layers.1.mlp.down_proj': 2, 'model.layers.0.self_attn.k_proj': 0 };

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'train-files-'));
}

test('PEFT-style tensor names, shapes and initialisation', () => {
  const config = loraMoeConfig(adapterSettings, experts);
  const specs = adapterParamSpecs(config, adaptedModules(config, model));
  const names = specs.map((s) => s.name);
  const q = 'base_model.model.model.layers.0.self_attn.q_proj';
  assert.deepEqual(names.slice(0, 5), [`${q}.lora_A.weight`, `${q}.lora_B.0.weight`, `${q}.lora_B.1.weight`, `${q}.lora_B.2.weight`, `${q}.lora_router.weight`]);
  assert.ok(names.includes('base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight'), 'n = 1 keeps plain LoRA names');
  assert.ok(!names.some((n) => n.includes('k_proj')), 'zero experts: no adapter');
  const params = initialParams(specs, 1);
  const a = params.get(`${q}.lora_A.weight`) as Float32Array;
  assert.ok(a.every((x) => Math.abs(x) <= 1 / Math.sqrt(16)) && a.some((x) => x !== 0));
  assert.ok((params.get(`${q}.lora_B.1.weight`) as Float32Array).every((x) => x === 0));
  const independent = adapterParamSpecs({ ...config, style: 'independent' }, adaptedModules({ ...config, style: 'independent' }, model)).map((s) => s.name);
  assert.ok(independent.includes(`${q}.lora_A.2.weight`) && independent.includes(`${q}.lora_router.weight`));
  assert.equal(specs.reduce((s, p) => s + p.dims[0] * p.dims[1], 0), trainableParamsByFormula(config, model));
});

test('bad expert maps are refused with the entry and the fix', () => {
  const config = loraMoeConfig(adapterSettings, { 'model.layers.5.self_attn.q_proj': 1 });
  assert.throws(() => adaptedModules(config, model), /layer 5 does not exist, the model has 2 layers/);
  assert.throws(() => adaptedModules(loraMoeConfig(adapterSettings, { 'model.layers.0.self_attn.q_proj': 0 }), model), /gives no module an adapter/);
});

test('export -> load round trip', () => {
  const dir = tempDir();
  const config = loraMoeConfig({ ...adapterSettings, style: 'independent' }, experts, '/models/tiny');
  const params = initialParams(adapterParamSpecs(config, adaptedModules(config, model)), 5);
  writeAdapterFiles(dir, config, model, params);
  const loaded = readAdapterFiles(dir);
  assert.deepEqual({ ...loaded.config, experts: undefined }, { ...config, experts: undefined });
  assert.deepEqual(loaded.config.experts, { 'model.layers.0.self_attn.q_proj': 3, 'model.layers.1.self_attn.v_proj': 1, 'model.layers.1.mlp.down_proj': 2 });
  checkAdapterParams(loaded, model);
  for (const [name, data] of params) assert.deepEqual(loaded.params.get(name), data, name);
  const file = JSON.parse(fs.readFileSync(path.join(dir, ADAPTER_CONFIG_FILE), 'utf8'));
  assert.deepEqual(file.target_modules, ['q_proj', 'v_proj', 'down_proj']);
  assert.equal(file.peft_type, 'LORA_MOE');
  assert.equal(file.base_model_name_or_path, '/models/tiny');
  assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, EXPERTS_FILE), 'utf8')))[0], 'model.layers.0.self_attn.q_proj');
  assert.throws(() => readAdapterFiles(path.join(dir, 'nope')), /no adapter_config.json/);
});

test('checkpoints: atomic folders, newest complete one wins, temporaries ignored and removed', () => {
  const runDir = tempDir();
  const params = new Map([['w', Float32Array.from([1, 2, 3])]]);
  const optimizer = { step: 2, expAvg: new Map([['w', Float32Array.from([0.1, 0.2, 0.3])]]), expAvgSq: new Map([['w', Float32Array.from([1, 1, 1])]]) };
  const state = { step: 2, sampler: { random: 9, cursors: [{ epoch: 0, index: 3 }] }, dropoutRandom: 77, shapes: { w: [3] } };
  writeCheckpoint(runDir, params, optimizer, state);
  writeCheckpoint(runDir, params, { ...optimizer, step: 4 }, { ...state, step: 4 });
  writeCheckpoint(runDir, params, { ...optimizer, step: 4 }, { ...state, step: 4 });
  fs.mkdirSync(path.join(runDir, 'checkpoints', '.step-6.123.tmp'));
  fs.mkdirSync(path.join(runDir, 'checkpoints', 'step-8'));
  assert.deepEqual(listCheckpoints(runDir).map((c) => c.step), [2, 4]);
  const latest = latestCheckpoint(runDir)!;
  assert.equal(latest.state.step, 4);
  assert.equal(latest.optimizer.step, 4);
  assert.deepEqual(latest.state.sampler, state.sampler);
  assert.deepEqual(latest.params.get('w'), params.get('w'));
  assert.deepEqual(readCheckpoint(listCheckpoints(runDir)[0].dir).optimizer.expAvg.get('w'), optimizer.expAvg.get('w'));
  removeStaleTemporaries(runDir);
  assert.ok(!fs.existsSync(path.join(runDir, 'checkpoints', '.step-6.123.tmp')));
});
