import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newExperimentText, sectionDefaults, taskNameFromFile, testFileCandidates } from '../../../src/core/experiment/defaults';
import { experimentFromValue, parseExperimentText } from '../../../src/core/experiment/load';

describe('sectionDefaults', () => {
  it('fills every schema default of a section', () => {
    assert.deepEqual(sectionDefaults('budget'), { kind: 'none', minExperts: 0, maxExperts: 8 });
    assert.deepEqual(sectionDefaults('adapter'), {
      style: 'shared-a', rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], topK: 2, balanceLossCoef: 0.01,
    });
  });

  it('gives placeholders for the required sections that the loader accepts', () => {
    const value = { model: sectionDefaults('model'), tasks: sectionDefaults('tasks') };
    assert.doesNotThrow(() => experimentFromValue(value, 'x.smoe.json'));
  });
});

describe('newExperimentText', () => {
  it('writes a file the loader accepts, with every section', () => {
    const text = newExperimentText({ name: 'demo', modelPath: 'models/tiny', tasks: [{ name: 'boolq', train: 'data/boolq/train.json', test: 'data/boolq/test.json' }] });
    const experiment = experimentFromValue(parseExperimentText(text, 'demo.smoe.json'), 'demo.smoe.json');
    assert.equal(experiment.model.path, 'models/tiny');
    assert.equal(experiment.adapter.rank, 8);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['name', 'model', 'tasks', 'adapter', 'budget', 'probe', 'allocation', 'training', 'evaluation']);
  });
});

describe('taskNameFromFile', () => {
  it('names a task after its folder or file', () => {
    assert.equal(taskNameFromFile('data/boolq/train.json', new Set()), 'boolq');
    assert.equal(taskNameFromFile('data/piqa_train.jsonl', new Set()), 'piqa');
    assert.equal(taskNameFromFile('ARC Easy/train.json', new Set()), 'ARC_Easy');
    assert.equal(taskNameFromFile('data/boolq/train.json', new Set(['boolq'])), 'boolq_2');
  });

  it('pairs train files with test files by name', () => {
    assert.deepEqual(testFileCandidates('data/boolq/train.json'), ['data/boolq/test.json']);
    assert.deepEqual(testFileCandidates('data/boolq.jsonl'), []);
  });
});
