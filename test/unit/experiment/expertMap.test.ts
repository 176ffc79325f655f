import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flatExpertMapText, isFlatExpertMap, orderedExpertMap, parseFlatExpertMap } from '../../../src/core/experiment/expertMap';

const MAP = {
  'model.layers.1.self_attn.q_proj': 2,
  'model.layers.0.mlp.down_proj': 3,
  'model.layers.0.self_attn.k_proj': 3,
  'model.layers.0.self_attn.v_proj': 0,
};

describe('expert maps', () => {
  it('orders an experiment map by layer then module type, without zeros', () => {
    assert.deepEqual(Object.keys(orderedExpertMap(MAP)), ['model.layers.0.self_attn.k_proj', 'model.layers.0.mlp.down_proj', 'model.layers.1.self_attn.q_proj']);
  });

  it("writes the authors' flat format: most experts first, 4-space indent, no zeros", () => {
    const text = flatExpertMapText(MAP);
    assert.equal(text, '{\n    "model.layers.0.self_attn.k_proj": 3,\n    "model.layers.0.mlp.down_proj": 3,\n    "model.layers.1.self_attn.q_proj": 2\n}\n');
  });

  it('recognises flat maps and reads them, dropping .weight suffixes', () => {
    assert.equal(isFlatExpertMap(MAP), true);
    assert.equal(isFlatExpertMap({ model: { path: 'x' } }), false);
    assert.equal(isFlatExpertMap({}), false);
    assert.deepEqual(parseFlatExpertMap({ 'model.layers.0.self_attn.q_proj.weight': 2 }), { map: { 'model.layers.0.self_attn.q_proj': 2 } });
    assert.match((parseFlatExpertMap({ a: 1.5 }) as { error: string }).error, /"a" has 1.5 experts/);
  });
});
