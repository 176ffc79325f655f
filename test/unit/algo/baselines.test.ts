import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateExperts, allocateLayerwise, allocateProportional, allocateUniform } from '../../../src/core/algo';
import { m, tableOf } from './helpers';

describe('baselines', () => {
  it('uniform gives every candidate the same count', () => {
    assert.deepEqual(allocateUniform([m(0, 'q_proj'), m(1, 'v_proj')], 3), { [m(0, 'q_proj')]: 3, [m(1, 'v_proj')]: 3 });
  });

  it('layerwise defaults to MoLA 2/4/6/8 by depth quarter', () => {
    const mods = Array.from({ length: 8 }, (_, l) => m(l, 'q_proj'));
    assert.deepEqual(Object.values(allocateLayerwise(mods, 8)), [2, 2, 4, 4, 6, 6, 8, 8]);
    assert.deepEqual(Object.values(allocateLayerwise(mods, 8, [1, 3])), [1, 1, 1, 1, 3, 3, 3, 3]);
    assert.deepEqual(Object.values(allocateLayerwise(mods, 8, [2, 4, 6, 8], 0.5)), [1, 1, 2, 2, 3, 3, 4, 4]);
    assert.deepEqual(Object.values(allocateLayerwise(mods.slice(0, 5), 5)), [2, 2, 4, 6, 8], '5 layers: floor(l*4/5)');
  });

  it('proportional uses largest-remainder rounding (hand-derived)', () => {
    const mods = [m(0, 'q_proj'), m(0, 'k_proj'), m(0, 'v_proj')];
    // one task, normalised 0.5/0.3/0.2; 4 experts -> quotas 2, 1.2, 0.8 -> floors 2,1,0 -> the 0.8 remainder gets the 4th.
    const table = tableOf(mods, { t: [5, 3, 2] });
    assert.deepEqual(Object.values(allocateProportional(table, mods, 4)), [2, 1, 1]);
    assert.deepEqual(Object.values(allocateProportional(table, mods, 10)), [5, 3, 2]);
    // cap 4: q keeps 4 of its 5; the refused expert is shared again over k, v (quotas 0.6, 0.4) and goes to k.
    assert.deepEqual(Object.values(allocateProportional(table, mods, 10, 4)), [4, 4, 2]);
    assert.deepEqual(Object.values(allocateProportional(table, mods, 100, 4)), [4, 4, 4]);
    assert.deepEqual(Object.values(allocateProportional(table, mods, 0)), [0, 0, 0]);
  });

  it('proportional sums normalised sensitivities over tasks of different scales', () => {
    const mods = [m(0, 'q_proj'), m(0, 'k_proj')];
    const table = tableOf(mods, { big: [3000, 1000], small: [0.1, 0.3] });
    // scores: 0.75 + 0.25 = 1.0 and 0.25 + 0.75 = 1.0 -> a tie, split evenly.
    assert.deepEqual(Object.values(allocateProportional(table, mods, 4)), [2, 2]);
  });

  it('unbudgeted entry points: uniform count, layerwise pattern, proportional at the vote total', () => {
    const mods = [m(0, 'q_proj'), m(1, 'q_proj'), m(2, 'q_proj'), m(3, 'q_proj')];
    const table = tableOf(mods, { a: [1, 2, 3, 4], b: [1, 2, 4, 3] });
    assert.deepEqual(Object.values(allocateExperts({ strategy: 'uniform', candidates: mods, uniformExperts: 2 }).experts), [2, 2, 2, 2]);
    assert.deepEqual(Object.values(allocateExperts({ strategy: 'layerwise', candidates: mods }).experts), [2, 4, 6, 8]);
    const proportional = allocateExperts({ strategy: 'proportional', table, candidates: mods });
    assert.equal(proportional.summary.totalExperts, allocateExperts({ strategy: 'vote', table, candidates: mods }).summary.totalExperts);
  });
});
