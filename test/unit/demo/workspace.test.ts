import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../../src/core/experiment/load';
import { EXPERIMENT_FILES } from '../../../src/core/demo/experimentFiles';
import { demoSettings } from '../../../src/core/demo/settings';
import { writeWorkspace } from '../../../src/core/demo/workspace';

describe('demo workspace', () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-ws-'));
  const settings = demoSettings(true);
  const files = writeWorkspace(workspace, settings);

  it('writes experiment files the loader accepts, with an answer pattern per task', () => {
    for (const file of Object.values(EXPERIMENT_FILES)) {
      const { experiment } = loadExperiment(path.join(workspace, file));
      assert.equal(experiment.tasks.length, 4);
      assert.ok(experiment.tasks.every((t) => t.answerPattern && t.test));
      assert.equal(experiment.budget.kind, 'loraRank');
    }
  });

  it('writes LLM-Adapters records with train/test splits of the configured sizes', () => {
    const train = JSON.parse(fs.readFileSync(path.join(workspace, 'data/copy/train.json'), 'utf8'));
    const test = JSON.parse(fs.readFileSync(path.join(workspace, 'data/copy/test.json'), 'utf8'));
    assert.equal(train.length, settings.data.trainPerTask);
    assert.equal(test.length, settings.data.testPerTask);
    assert.deepEqual(Object.keys(train[0]).sort(), ['answer', 'input', 'instruction', 'output']);
  });

  it('is byte-identical when written again (seeded)', () => {
    const before = files.map((f) => fs.readFileSync(f, 'utf8'));
    writeWorkspace(workspace, settings);
    assert.deepEqual(files.map((f) => fs.readFileSync(f, 'utf8')), before);
  });
});
