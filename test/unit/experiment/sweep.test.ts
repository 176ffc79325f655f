// The sweep section: schema validation, expansion into runs, and budget checks before anything runs.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentFromValue } from '../../../src/core/experiment/load';
import { checkSweep, expandSweep } from '../../../src/core/experiment/sweep';
import { TINY_MODEL_CONFIG } from '../../fixtures/experiment/tinyModel';

const BASE = { model: { path: 'model' }, tasks: [{ name: 'a', train: 'a.json' }], training: { seed: 5 }, allocation: { percentile: 60 } };

describe('sweep section', () => {
  it('expands every combination; percentiles multiply only the vote; seeds innermost', () => {
    const experiment = experimentFromValue({ ...BASE, sweep: { seeds: [1, 2], strategies: ['vote', 'uniform', 'lora'], budgets: [{ kind: 'loraRank', value: 4 }], percentiles: [40, 60] } }, 'x.smoe.json');
    const ids = expandSweep(experiment).map((s) => s.id);
    assert.deepEqual(ids, [
      'vote-p40-loraRank4-s1', 'vote-p40-loraRank4-s2', 'vote-p60-loraRank4-s1', 'vote-p60-loraRank4-s2',
      'uniform-loraRank4-s1', 'uniform-loraRank4-s2', 'lora-loraRank4-s1', 'lora-loraRank4-s2',
    ]);
    assert.equal(experiment.sweep?.maxRuns, 12, 'the schema default');
  });

  it('lists left out keep the file\'s own settings', () => {
    const specs = expandSweep(experimentFromValue({ ...BASE, sweep: { seeds: [1, 2, 3] } }, 'x.smoe.json'));
    assert.deepEqual(specs.map((s) => [s.strategy, s.budget.kind, s.percentile, s.seed]), [['vote', 'none', 60, 1], ['vote', 'none', 60, 2], ['vote', 'none', 60, 3]]);
  });

  it('the schema rejects unknown strategies and budgets without a value, naming the field', () => {
    assert.throws(() => experimentFromValue({ ...BASE, sweep: { strategies: ['best'] } }, 'x.smoe.json'), /sweep\.strategies\[0\]/);
    assert.throws(() => experimentFromValue({ ...BASE, sweep: { budgets: [{ kind: 'experts' }] } }, 'x.smoe.json'), /sweep\.budgets\[0\]/);
  });

  it('reports a budget below a strategy\'s minimum before anything runs', () => {
    const experiment = experimentFromValue({
      ...BASE, adapter: { targetModules: ['q_proj', 'v_proj'] }, budget: { minExperts: 1 },
      sweep: { strategies: ['uniform', 'lora'], budgets: [{ kind: 'experts', value: 2 }, { kind: 'loraRank', value: 8 }], seeds: [1, 2] },
    }, 'x.smoe.json');
    const problems = checkSweep(expandSweep(experiment), experiment, TINY_MODEL_CONFIG);
    const modules = 2 * TINY_MODEL_CONFIG.numLayers;
    assert.equal(problems.length, 2, JSON.stringify(problems));
    assert.ok(problems.every((p) => p.path === 'sweep.budgets'));
    assert.match(problems[0].message, new RegExp(`^uniform at experts 2: the budget \\(2\\) is below what minExperts 1 on all ${modules} target modules costs \\(${modules}\\)`));
    assert.match(problems[1].message, new RegExp(`^lora at experts 2: plain LoRA needs one expert on each of the ${modules} target modules`));
  });
});
