import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AllocationError, allocateExperts, costingFor, loraParams, mapTrainableParams, rankBySensitivity, totalExperts, trimToBudget, type ExpertMap } from '../../../src/core/algo';
import { ALL_TYPES, attentionModules, m, tableOf, tinyModel } from './helpers';

const MODS = attentionModules(4);
/** Four tasks with distinct, reproducible values over 16 attention modules. */
const TABLE = tableOf(MODS, Object.fromEntries(['a', 'b', 'c', 'd'].map((t, k) => [t, MODS.map((_, i) => ((i * 7 + k * 5) % 16) + 1 + k / 10)])));

/** No module below max can take one more expert without breaking the limit. */
function assertMaximal(map: ExpertMap, candidates: string[], cost: (m: ExpertMap) => number, limit: number, max: number): void {
  for (const name of candidates) {
    if ((map[name] ?? 0) >= max) continue;
    assert.ok(cost({ ...map, [name]: (map[name] ?? 0) + 1 }) > limit, `${name} could still take an expert`);
  }
}

describe('budgeted allocation', () => {
  it('vote within an expert budget: spends it exactly and reports the percentile it settled on', () => {
    const result = allocateExperts({ strategy: 'vote', table: TABLE, budget: { kind: 'experts', value: 20 } });
    assert.equal(result.summary.totalExperts, 20);
    assert.ok(result.setting > 0 && result.setting < 60, `p = ${result.setting}`);
    const unbudgeted = allocateExperts({ strategy: 'vote', table: TABLE, percentile: result.setting });
    for (const [name, n] of Object.entries(unbudgeted.experts)) assert.ok(result.experts[name] >= n, 'the fill only adds to the fitted vote');
  });

  it('a budget smaller than the number of modules goes to the most sensitive modules, one each', () => {
    const result = allocateExperts({ strategy: 'vote', table: TABLE, budget: { kind: 'experts', value: 3 } });
    assert.equal(result.summary.totalExperts, 3);
    const top = rankBySensitivity(TABLE, MODS).slice(0, 3);
    assert.deepEqual(Object.keys(result.experts).sort(), [...top].sort());
  });

  it('a parameter budget: within the limit and maximal', () => {
    const model = tinyModel();
    const adapter = { style: 'shared-a' as const, rank: 2 };
    for (const strategy of ['vote', 'uniform', 'layerwise', 'proportional'] as const) {
      const result = allocateExperts({ strategy, table: TABLE, model, adapter, budget: { kind: 'params', value: 1500 } });
      const cost = (map: ExpertMap) => mapTrainableParams(model, adapter, map);
      assert.ok(cost(result.experts) <= 1500, strategy);
      assert.equal(result.summary.trainableParams, cost(result.experts));
      assertMaximal(result.experts, MODS, cost, 1500, 8);
    }
  });

  it('a plain-LoRA-rank budget equals the parameters of LoRA of that rank on the same modules', () => {
    const model = tinyModel();
    const adapter = { style: 'independent' as const, rank: 4 };
    const result = allocateExperts({ strategy: 'uniform', model, adapter, moduleTypes: ALL_TYPES, budget: { kind: 'loraRank', value: 8 } });
    const limit = loraParams(model, result.candidates, 8);
    assert.equal(result.candidates.length, 28);
    assert.ok(result.summary.trainableParams! <= limit);
    assert.ok(result.summary.loraRankEquivalent! <= 8 && result.summary.loraRankEquivalent! > 7);
    const costing = costingFor({ budget: { kind: 'loraRank', value: 8 }, model, adapter, targets: result.candidates });
    assert.equal(costing.limit, limit);
  });

  it('min and max clamp every candidate', () => {
    const result = allocateExperts({ strategy: 'vote', table: TABLE, minExperts: 1, maxExperts: 2 });
    assert.equal(Object.keys(result.experts).length, 16);
    assert.ok(Object.values(result.experts).every((n) => n >= 1 && n <= 2));
    const budgeted = allocateExperts({ strategy: 'uniform', candidates: MODS, minExperts: 1, maxExperts: 3, budget: { kind: 'experts', value: 40 } });
    assert.equal(budgeted.summary.totalExperts, 40);
    assert.ok(Object.values(budgeted.experts).every((n) => n >= 1 && n <= 3));
  });

  it('errors say what is missing: a budget below minExperts, a parameter budget without a model, no sensitivities', () => {
    assert.throws(() => allocateExperts({ strategy: 'vote', table: TABLE, minExperts: 1, budget: { kind: 'experts', value: 10 } }), /below what minExperts 1 on all 16 modules costs/);
    assert.throws(() => allocateExperts({ strategy: 'uniform', candidates: MODS, budget: { kind: 'params', value: 10 } }), (e: unknown) => e instanceof AllocationError && /needs the model's shapes/.test(e.message));
    assert.throws(() => allocateExperts({ strategy: 'vote', candidates: MODS }), /needs sensitivities/);
    assert.throws(() => allocateExperts({ strategy: 'vote', table: { tasks: {} } }), /no candidate modules/);
    assert.throws(() => allocateExperts({ strategy: 'uniform', candidates: MODS, minExperts: 3, maxExperts: 2 }), /min\/max experts/);
  });
});

describe('trimToBudget', () => {
  const map = Object.fromEntries(MODS.slice(0, 4).map((name) => [name, 3]));

  it('drops the least sensitive modules\' experts first, never below min', () => {
    const order = rankBySensitivity(TABLE, Object.keys(map)).reverse();
    const trimmed = trimToBudget(map, { budget: { kind: 'experts', value: 8 }, table: TABLE });
    assert.equal(totalExperts(trimmed), 8);
    assert.equal(trimmed[order[0]], 0);
    assert.equal(trimmed[order[1]], 2);
    const floored = trimToBudget(map, { budget: { kind: 'experts', value: 2 }, table: TABLE, minExperts: 1 });
    assert.deepEqual(Object.values(floored), [1, 1, 1, 1], 'stops at min even over budget');
  });

  it('without sensitivities takes from the largest counts; leaves a fitting map alone', () => {
    const trimmed = trimToBudget({ [m(0, 'q_proj')]: 5, [m(0, 'k_proj')]: 2 }, { budget: { kind: 'experts', value: 4 } });
    assert.deepEqual(Object.values(trimmed), [2, 2]);
    assert.deepEqual(trimToBudget(map, { budget: { kind: 'none' } }), map);
  });

  it('trims to a parameter budget', () => {
    const model = tinyModel();
    const trimmed = trimToBudget(map, { budget: { kind: 'params', value: 300 }, model, table: TABLE });
    assert.ok(mapTrainableParams(model, { style: 'shared-a', rank: 8 }, trimmed) <= 300);
  });
});
