// What a file event means for the workspace model: which parts go stale, and which bursts fold into one change.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { classifyFileEvent, everything, merge, noChange } from '../../../src/workspace/changes';

const at = (...parts: string[]) => path.join('/ws', ...parts);

describe('classifyFileEvent', () => {
  it('an experiment file that appears changes the list, its runs and every analysis; an edit does not change the list', () => {
    assert.deepEqual(classifyFileEvent(at('a', 'x.smoe.json'), 'created'), { experiments: true, runs: true, inputs: true });
    assert.deepEqual(classifyFileEvent(at('a', 'x.smoe.json'), 'deleted'), { experiments: true, runs: true, inputs: true });
    assert.deepEqual(classifyFileEvent(at('a', 'x.smoe.json'), 'changed'), { experiments: false, runs: true, inputs: true });
  });

  it('run files touch runs only; sensitivity.json also drops the analyses (a flat map or allocation.sensitivity reads it)', () => {
    for (const name of ['run.json', 'events.jsonl', 'experts.json', 'eval.json', 'adapter_config.json']) {
      assert.deepEqual(classifyFileEvent(at('.smoe', 'runs', '20260101-000000-train', name), 'changed'), { runs: true }, name);
    }
    assert.deepEqual(classifyFileEvent(at('.smoe', 'runs', '20260101-000000-train', 'checkpoints', 'step-3.json'), 'created'), { runs: true });
    assert.deepEqual(classifyFileEvent(at('maps', 'sensitivity.json'), 'changed'), { runs: true, inputs: true });
  });

  it('a folder created or removed in one go may hold runs or experiments; a changed folder only runs', () => {
    assert.deepEqual(classifyFileEvent(at('.smoe', 'runs', '20260101-000000-probe'), 'created'), { experiments: true, runs: true });
    assert.deepEqual(classifyFileEvent(at('.smoe'), 'deleted'), { experiments: true, runs: true });
    assert.deepEqual(classifyFileEvent(at('.smoe', 'runs'), 'changed'), { experiments: false, runs: true });
  });

  it('model and map inputs drop the analyses; unrelated files change nothing', () => {
    assert.deepEqual(classifyFileEvent(at('model', 'config.json'), 'changed'), { inputs: true });
    assert.deepEqual(classifyFileEvent(at('model', 'model.safetensors'), 'created'), { inputs: true });
    assert.deepEqual(classifyFileEvent(at('expert-num.json'), 'changed'), { inputs: true });
    assert.deepEqual(classifyFileEvent(at('src', 'train.py'), 'changed'), {});
    assert.deepEqual(classifyFileEvent(at('README.md'), 'created'), {});
  });
});

describe('merge', () => {
  it('folds a burst into one pending change that only grows', () => {
    const pending = noChange();
    merge(pending, { runs: true });
    merge(pending, {});
    assert.deepEqual(pending, { experiments: false, runs: true, inputs: false });
    merge(pending, { inputs: true, runs: false });
    assert.deepEqual(pending, { experiments: false, runs: true, inputs: true });
    merge(pending, everything());
    assert.deepEqual(pending, everything());
  });
});
