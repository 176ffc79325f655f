import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loraParams, loraRankEquivalent, mapTrainableParams, moduleHints, moduleTrainableParams, summarizeAllocation } from '../../../src/core/algo';
import { moduleParamSpecs } from '../../../src/core/model/adapters/params';
import { m, tableOf, tinyModel } from './helpers';

describe('parameter accounting', () => {
  it('follows DESIGN.md §3.1 for both styles (hand-derived)', () => {
    // r=2, d_in=8, d_out=4
    assert.equal(moduleTrainableParams('shared-a', 2, 3, 8, 4), 2 * 8 + 3 * 2 * 4 + 3 * 8);
    assert.equal(moduleTrainableParams('independent', 2, 3, 8, 4), 3 * 2 * (8 + 4) + 3 * 8);
    assert.equal(moduleTrainableParams('shared-a', 2, 1, 8, 4), 2 * (8 + 4), 'n = 1 is plain LoRA, no router');
    assert.equal(moduleTrainableParams('independent', 2, 1, 8, 4), 2 * (8 + 4));
    assert.equal(moduleTrainableParams('shared-a', 2, 0, 8, 4), 0);
  });

  it('agrees with the adapter tensors the trainer creates', () => {
    for (const style of ['shared-a', 'independent'] as const) {
      for (const experts of [1, 2, 5]) {
        const specs = moduleParamSpecs(style, 4, { name: m(0, 'k_proj'), layer: 0, type: 'k_proj', experts, dIn: 8, dOut: 4, topK: experts });
        const elements = specs.reduce((sum, s) => sum + s.dims[0] * s.dims[1], 0);
        assert.equal(moduleTrainableParams(style, 4, experts, 8, 4), elements, `${style} n=${experts}`);
      }
    }
  });

  it('uses the model shapes: GQA k/v are narrower, down_proj reads the MLP width', () => {
    const model = tinyModel();
    const adapter = { style: 'shared-a' as const, rank: 2 };
    assert.equal(mapTrainableParams(model, adapter, { [m(0, 'k_proj')]: 1 }), 2 * (8 + 4));
    assert.equal(mapTrainableParams(model, adapter, { [m(0, 'down_proj')]: 2 }), 2 * 16 + 2 * 2 * 8 + 2 * 16);
    assert.equal(loraParams(model, [m(0, 'q_proj'), m(0, 'k_proj')], 4), 4 * (16 + 12));
    assert.equal(loraRankEquivalent(model, [m(0, 'q_proj')], 32), 2);
  });
});

describe('summarizeAllocation', () => {
  const model = tinyModel(2);
  const map = { [m(0, 'q_proj')]: 2, [m(0, 'v_proj')]: 1, [m(1, 'q_proj')]: 3, [m(1, 'k_proj')]: 0 };

  it('totals, per-layer and per-type sums without a model', () => {
    const s = summarizeAllocation(map);
    assert.equal(s.totalExperts, 6);
    assert.equal(s.modulesWithAdapters, 3);
    assert.equal(s.trainableParams, undefined);
    assert.deepEqual(s.perLayer, [{ layer: 0, experts: 3, modules: 2 }, { layer: 1, experts: 3, modules: 1 }]);
    assert.deepEqual(s.perType, [{ type: 'q_proj', experts: 5, modules: 2 }, { type: 'v_proj', experts: 1, modules: 1 }]);
  });

  it('parameters and the plain-LoRA rank with equal parameters with a model', () => {
    const adapter = { style: 'shared-a' as const, rank: 2 };
    const targets = [m(0, 'q_proj'), m(0, 'k_proj'), m(0, 'v_proj'), m(0, 'o_proj'), m(1, 'q_proj'), m(1, 'k_proj'), m(1, 'v_proj'), m(1, 'o_proj')];
    const s = summarizeAllocation(map, { model, adapter, targets });
    const q2 = 2 * 8 + 2 * 2 * 8 + 2 * 8;
    const v1 = 2 * (8 + 4);
    const q3 = 2 * 8 + 3 * 2 * 8 + 3 * 8;
    assert.equal(s.trainableParams, q2 + v1 + q3);
    assert.equal(s.loraRankEquivalent, (q2 + v1 + q3) / (2 * (16 + 12 + 12 + 16)));
    assert.equal(s.perLayer[0].params, q2 + v1);
    assert.equal(s.perType[0].params, q2 + q3);
  });
});

describe('moduleHints', () => {
  it('ranks entries by summed normalised sensitivity and carries the suggestion', () => {
    const mods = [m(0, 'q_proj'), m(0, 'k_proj'), m(0, 'v_proj')];
    const table = tableOf(mods, { a: [1, 5, 3], b: [2, 6, 4] });
    const hints = moduleHints({ [mods[0]]: 2, [mods[1]]: 1, [m(5, 'q_proj')]: 1 }, { table, suggestion: { [mods[1]]: 2 } });
    assert.deepEqual(hints.get(mods[1]), { count: 1, sensitivityRank: 1, of: 3, suggested: 2 });
    assert.deepEqual(hints.get(mods[0]), { count: 2, sensitivityRank: 3, of: 3, suggested: 0 });
    assert.deepEqual(hints.get(m(5, 'q_proj')), { count: 1, suggested: 0 });
    assert.deepEqual(moduleHints({ [mods[0]]: 1 }).get(mods[0]), { count: 1 });
  });
});
