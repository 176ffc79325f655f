// "Did you mean": typos of module names get the nearest known name; names far from every known one get none.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName } from '../../../src/core/experiment/checks/closestName';
import { checkExperiment } from '../../../src/core/experiment/checks';
import { parseWithPositions } from '../../../src/core/experiment/positions';
import { GOOD_EXPERIMENT } from '../../fixtures/experiment/experiments';
import { factsWith, GOOD_FILES } from './helpers';

describe('closestName', () => {
  const known = ['model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.0.mlp.down_proj'];

  it('suggests the nearest name for a typo, nothing for a different name', () => {
    assert.equal(closestName('model.layers.0.self_atn.q_proj', known), 'model.layers.0.self_attn.q_proj');
    assert.equal(closestName('model.layers.0.mlp.dwn_proj', known), 'model.layers.0.mlp.down_proj');
    assert.equal(closestName('lm_head', known), undefined);
  });

  it('the unknown-module diagnostic says "did you mean" for a typo', () => {
    const text = GOOD_EXPERIMENT.replace(/"model\.layers\.0\.self_attn\.q_proj"/, '"model.layers.0.self_atn.q_proj"');
    assert.notEqual(text, GOOD_EXPERIMENT);
    const problems = checkExperiment(parseWithPositions(text).value, factsWith(GOOD_FILES)).filter((p) => p.code === 'unknown-module');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /did you mean "model\.layers\.0\.self_attn\.q_proj"\?/);
  });
});
