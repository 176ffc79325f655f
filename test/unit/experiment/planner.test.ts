import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  candidateModules, moduleHints, PlanError, suggestAllocation, summarize, trimToBudget,
  type AllocationChoice, type PlanModel, type SensitivityTable,
} from '../../../src/core/experiment/planner';
import { readSensitivity } from '../../../src/core/algo';
import { adapterOf, allocationChoiceOf } from '../../../src/core/experiment/settings';
import { TINY_MODEL_CONFIG, TINY_SHAPES, tinyModuleNames } from '../../fixtures/experiment/tinyModel';

const MODEL: PlanModel = { config: TINY_MODEL_CONFIG, modules: tinyModuleNames() };
const ADAPTER = adapterOf({ adapter: { rank: 4 } });
const ATTENTION = tinyModuleNames().filter((n) => n.includes('self_attn'));

/** Two tasks over the 8 attention modules; boolq prefers layer 0, piqa layer 1. */
const TABLE: SensitivityTable = {
  tasks: {
    boolq: Object.fromEntries(ATTENTION.map((n, i) => [n, 8 - i])),
    piqa: Object.fromEntries(ATTENTION.map((n, i) => [n, (i + 1) * 10])),
  },
};

function choice(overrides: Partial<AllocationChoice> = {}, budget: Partial<AllocationChoice['budget']> = {}): AllocationChoice {
  const base = allocationChoiceOf({});
  return { ...base, ...overrides, budget: { ...base.budget, ...budget } };
}

function total(map: Record<string, number>): number {
  return Object.values(map).reduce((a, b) => a + b, 0);
}

/** DESIGN §3.1 shared-a, by hand: r*d_in + n*r*d_out + (n > 1 ? n*d_in : 0) with HF [d_out, d_in] shapes. */
function formula(map: Record<string, number>, r: number): number {
  return Object.entries(map).reduce((sum, [name, n]) => {
    const [dOut, dIn] = TINY_SHAPES[name.split('.').at(-1)!];
    return sum + (n > 0 ? r * dIn + n * r * dOut + (n > 1 ? n * dIn : 0) : 0);
  }, 0);
}

describe('suggestAllocation', () => {
  it('votes: a task votes for modules strictly above its (100 - p) percentile', () => {
    const half = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'vote', percentile: 50 }), TABLE);
    assert.deepEqual(Object.values(half), [1, 1, 1, 1, 1, 1, 1, 1]);
    const most = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'vote', percentile: 75 }), TABLE);
    assert.deepEqual(ATTENTION.map((n) => most[n] ?? 0), [1, 1, 2, 2, 2, 2, 1, 1]);
    const capped = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'vote', percentile: 75 }, { maxExperts: 1 }), TABLE);
    assert.equal(total(capped), 8);
  });

  it('fits an expert budget by lowering p, then fills by sensitivity', () => {
    const map = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'vote', percentile: 100 }, { kind: 'experts', value: 5 }), TABLE);
    assert.equal(total(map), 5);
  });

  it('fits a parameter budget and a LoRA-rank budget', () => {
    const params = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'uniform' }, { kind: 'params', value: 1500 }), TABLE);
    assert.ok(formula(params, 4) <= 1500, `${formula(params, 4)} > 1500`);
    const loraR2 = 2 * ATTENTION.reduce((s, n) => s + TINY_SHAPES[n.split('.').at(-1)!][0] + TINY_SHAPES[n.split('.').at(-1)!][1], 0);
    const rank = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'proportional' }, { kind: 'loraRank', value: 2 }), TABLE);
    assert.ok(formula(rank, 4) <= loraR2 && formula(rank, 4) > loraR2 * 0.8, `${formula(rank, 4)} vs ${loraR2}`);
  });

  it('allocates layerwise by depth group and uniformly without sensitivity', () => {
    const layerwise = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'layerwise', layerwise: [1, 3] }), undefined);
    assert.equal(layerwise['model.layers.0.self_attn.q_proj'], 1);
    assert.equal(layerwise['model.layers.1.self_attn.q_proj'], 3);
    const uniform = suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'uniform', uniformExperts: 2 }), undefined);
    assert.deepEqual(Object.values(uniform), ATTENTION.map(() => 2));
  });

  it('says what to do when it cannot allocate', () => {
    assert.throws(() => suggestAllocation(MODEL, ADAPTER, choice({ strategy: 'vote' }), undefined), (e: Error) => e instanceof PlanError && /Probe Sensitivity/.test(e.message));
    assert.throws(() => suggestAllocation(undefined, ADAPTER, choice({ strategy: 'uniform' }, { kind: 'params', value: 100 }), TABLE), /model\.path/);
  });
});

describe('trimToBudget', () => {
  it('drops the least sensitive experts first', () => {
    const map = Object.fromEntries(ATTENTION.map((n) => [n, 2]));
    const table = { tasks: { t: Object.fromEntries(ATTENTION.map((n, i) => [n, [5, 1, 4, 2, 8, 7, 6, 3][i]])) } };
    const trimmed = trimToBudget(MODEL, ADAPTER, { ...choice().budget, kind: 'experts', value: 12 }, map, table);
    assert.equal(total(trimmed), 12);
    const dropped = candidateModules(undefined, ADAPTER, table).filter((n) => (trimmed[n] ?? 0) < 2);
    assert.deepEqual(dropped, [ATTENTION[1], ATTENTION[3]]);
  });

  it('without sensitivity takes from the largest modules', () => {
    const map = { 'model.layers.0.self_attn.q_proj': 4, 'model.layers.0.self_attn.k_proj': 1 };
    assert.deepEqual(trimToBudget(MODEL, ADAPTER, { kind: 'experts', value: 3, minExperts: 0, maxExperts: 8 }, map, undefined), {
      'model.layers.0.self_attn.q_proj': 2, 'model.layers.0.self_attn.k_proj': 1,
    });
  });
});

describe('summarize and moduleHints', () => {
  it('counts parameters by the DESIGN formula and the equal-parameter LoRA rank', () => {
    const map = { 'model.layers.0.self_attn.q_proj': 3, 'model.layers.1.self_attn.k_proj': 1 };
    const summary = summarize(MODEL, ADAPTER, map);
    assert.equal(summary.trainableParams, formula(map, 4));
    assert.equal(summary.totalExperts, 4);
    const perRank = 2 * (32 + 24 + 24 + 32);
    assert.equal(summary.loraRankEquivalent, formula(map, 4) / perRank);
    assert.equal(summarize(undefined, ADAPTER, map).trainableParams, undefined);
  });

  it('ranks modules by summed normalised sensitivity', () => {
    const hints = moduleHints(ADAPTER, { [ATTENTION[0]]: 2 }, TABLE, { [ATTENTION[0]]: 3 });
    assert.deepEqual(hints.get(ATTENTION[0]), { count: 2, sensitivityRank: 1, of: 8, suggested: 3 });
  });
});

/** ../shared/data beside the repository (tests run from the repository root); SMOE_SHARED_DATA overrides it. */
const SHARED = path.join(process.env.SMOE_SHARED_DATA ?? path.resolve(process.cwd(), '..', 'shared', 'data'), 'reference');
const sharedPresent = fs.existsSync(SHARED);

describe("conformance with the authors' shipped map", { skip: sharedPresent ? false : `../shared/data not present (${SHARED})` }, () => {
  it('reproduces lora-smoe-qwen2.5-3b-expert-num.json exactly (vote, p = 60, pooled, attention)', async () => {
    const table = readSensitivity(path.join(SHARED, 'lora-smoe-qwen2.5-3b-sensitivity'));
    const expected = JSON.parse(fs.readFileSync(path.join(SHARED, 'lora-smoe-qwen2.5-3b-expert-num.json'), 'utf8')) as Record<string, number>;
    const map = suggestAllocation(undefined, adapterOf({}), allocationChoiceOf({}), table);
    assert.deepEqual(map, expected);
    assert.equal(total(map), 688);
  });
});
