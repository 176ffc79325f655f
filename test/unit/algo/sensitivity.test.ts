import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AllocationError, readSensitivity, summedNormalisedScores, writeSensitivity } from '../../../src/core/algo';
import { m } from './helpers';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-algo-'));
}

describe('sensitivity files', () => {
  const table = { tasks: { boolq: { [m(1, 'q_proj')]: 2.5, [m(0, 'q_proj')]: 1e-7 }, piqa: { [m(0, 'q_proj')]: 3 } }, meta: { samples: 4 } };

  it('writes sensitivity.json and reads it back from the file or its run folder', () => {
    const dir = tempDir();
    writeSensitivity(path.join(dir, 'sensitivity.json'), table);
    assert.deepEqual(readSensitivity(path.join(dir, 'sensitivity.json')), table);
    assert.deepEqual(readSensitivity(dir), table);
    assert.deepEqual(fs.readdirSync(dir), ['sensitivity.json'], 'no temporary file left');
    const text = fs.readFileSync(path.join(dir, 'sensitivity.json'), 'utf8');
    assert.ok(text.indexOf(m(0, 'q_proj')) < text.indexOf(m(1, 'q_proj')), 'modules in model order');
  });

  it('reads a folder of per-task JSONL files, dropping .weight', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'piqa.jsonl'), `{"${m(0, 'q_proj')}.weight": 3}\n`);
    fs.writeFileSync(path.join(dir, 'boolq.jsonl'), `{"${m(1, 'q_proj')}.weight": 2.5}\n\n{"${m(0, 'q_proj')}.weight": 1e-7}\n`);
    const read = readSensitivity(dir);
    assert.deepEqual(read, { tasks: table.tasks });
    assert.deepEqual(Object.keys(read.tasks), ['boolq', 'piqa']);
  });

  it('errors name the file and line', () => {
    const dir = tempDir();
    assert.throws(() => readSensitivity(path.join(dir, 'missing')), (e: unknown) => e instanceof AllocationError && /missing does not exist/.test(e.message));
    assert.throws(() => readSensitivity(dir), /holds neither sensitivity\.json nor per-task \*\.jsonl/);
    fs.writeFileSync(path.join(dir, 'a.jsonl'), `{"x": 1}\n{oops\n`);
    assert.throws(() => readSensitivity(dir), /a\.jsonl line 2 is not JSON/);
    fs.writeFileSync(path.join(dir, 'a.jsonl'), `{"x": "big"}\n`);
    assert.throws(() => readSensitivity(dir), /a\.jsonl line 1: "x" is "big", not a finite number/);
    const file = path.join(dir, 's.json');
    fs.writeFileSync(file, '{"task": {}}');
    assert.throws(() => readSensitivity(file), /has no "tasks" object/);
    fs.writeFileSync(file, 'nope');
    assert.throws(() => readSensitivity(file), /s\.json is not valid JSON/);
  });

  it('summed normalised scores make tasks of any scale count equally', () => {
    const scores = summedNormalisedScores({ tasks: { a: { x: 1000, y: 3000 }, b: { x: 0.3, y: 0.1 }, z: { x: 0, y: 0 } } }, ['x', 'y']);
    for (const score of scores.values()) assert.ok(Math.abs(score - 1) < 1e-12, `${score}`);
  });
});
