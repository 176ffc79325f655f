import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelFacts } from '../../../src/editor/modelHeaders';
import { TINY_MODEL_CONFIG, tinyModuleNames, writeTinyHfModel } from '../../fixtures/experiment/tinyModel';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-model-headers-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('readModelFacts (headers only)', () => {
  it('reads a Hugging Face folder: config.json and the safetensors header', async () => {
    const facts = await readModelFacts(writeTinyHfModel(path.join(tmp, 'hf')));
    assert.equal(facts.status, 'ok');
    if (facts.status !== 'ok') return;
    assert.deepEqual(facts.config, TINY_MODEL_CONFIG);
    assert.deepEqual([...facts.modules].sort(), tinyModuleNames().sort());
  });

  it('reports missing paths, folders without config.json and single non-.bin files', async () => {
    assert.equal((await readModelFacts(path.join(tmp, 'nope'))).status, 'missing');
    fs.mkdirSync(path.join(tmp, 'empty'));
    assert.deepEqual(await readModelFacts(path.join(tmp, 'empty')), { status: 'unknown-format', detail: 'the folder has no config.json' });
    fs.writeFileSync(path.join(tmp, 'weights.pt'), 'x');
    assert.equal((await readModelFacts(path.join(tmp, 'weights.pt'))).status, 'unknown-format');
  });

  it('reports a truncated safetensors header and a broken config.json as unreadable, naming the file', async () => {
    const dir = writeTinyHfModel(path.join(tmp, 'truncated'));
    const file = path.join(dir, 'model.safetensors');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 40));
    const truncated = await readModelFacts(dir);
    assert.equal(truncated.status, 'unreadable');
    assert.match((truncated as { detail: string }).detail, /model\.safetensors: header length \d+ does not fit/);
    const broken = writeTinyHfModel(path.join(tmp, 'broken'));
    fs.writeFileSync(path.join(broken, 'config.json'), '{ "hidden_size": ');
    assert.match((await readModelFacts(broken) as { detail: string }).detail, /config\.json is not valid JSON/);
  });

  it('reads a llama2.c header', async () => {
    const file = path.join(tmp, 'tiny.bin');
    const header = Buffer.alloc(28 + 16);
    [64, 172, 5, 8, 4, 512, 512].forEach((v, i) => header.writeInt32LE(v, i * 4));
    fs.writeFileSync(file, header);
    const facts = await readModelFacts(file);
    assert.equal(facts.status, 'ok');
    if (facts.status !== 'ok') return;
    assert.equal(facts.format, 'llama2c');
    assert.equal(facts.config.numKvHeads, 4);
    assert.equal(facts.modules.length, 5 * 7);
  });
});
