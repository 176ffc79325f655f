import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { silentReporter } from '../../../src/core/runFolder/context';
import { loadModel } from '../../../src/core/model';
import { ensureBaseModel } from '../../../src/core/demo/pretrain/baseModel';
import { demoSettings } from '../../../src/core/demo/settings';
import { demoTokenizer } from '../../../src/core/demo/workspace';

describe('demo base model', () => {
  it('is pre-trained (loss falls), saved as a loadable HF folder, then reused from the workspace and the cache', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-base-'));
    process.env.SMOE_CACHE_DIR = path.join(root, 'cache');
    const settings = demoSettings(true);
    settings.model = { hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 32, maxPositions: 96 };
    settings.pretrain = { ...settings.pretrain, steps: 40, batchSize: 4 };
    const tokenizer = demoTokenizer();
    const ctx = { ...silentReporter, signal: new AbortController().signal };
    const first = path.join(root, 'a', 'model');
    const trained = await ensureBaseModel({ modelDir: first, settings, tokenizer, ctx, threads: 1, device: 'cpu' });
    assert.equal(trained.source, 'trained');
    const curve = trained.meta.lossCurve;
    assert.ok(curve[curve.length - 1] < curve[0], `loss ${curve[0]} -> ${curve[curve.length - 1]}`);
    const loaded = loadModel(first);
    assert.equal(loaded.config.vocabSize, tokenizer.vocabSize);
    assert.equal(loaded.config.numLayers, 1);

    assert.equal((await ensureBaseModel({ modelDir: first, settings, tokenizer, ctx })).source, 'workspace');
    const second = path.join(root, 'b', 'model');
    assert.equal((await ensureBaseModel({ modelDir: second, settings, tokenizer, ctx })).source, 'cache');
    assert.deepEqual(fs.readFileSync(path.join(second, 'model.safetensors')), fs.readFileSync(path.join(first, 'model.safetensors')));
    delete process.env.SMOE_CACHE_DIR;
  });
});
