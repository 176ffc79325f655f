// Sensitivity heatmaps, allocation stacks and the what-if, from the dashboard fixture.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllocationChoice } from '../../../src/core/experiment/planner';
import type { AdapterSettings } from '../../../src/core/experiment/types';
import { allModules, parseModuleName } from '../../../src/core/model/config';
import { collectAllocation } from '../../../src/panel/collect/allocation';
import { collectHeatmap, collectSensitivity } from '../../../src/panel/collect/sensitivity';
import { computeWhatIf, whatIfChoiceOf } from '../../../src/panel/collect/whatIf';
import { FIXTURE_MODEL, FIXTURE_SHAPES, fixtureExperiment, fixtureSensitivity, TASKS } from '../../fixtures/runs/dashboardWorkspace';

const TYPES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
const ADAPTER: AdapterSettings = { style: 'shared-a', rank: 4, alpha: 8, dropout: 0, targetModules: [...TYPES], topK: 2, balanceLossCoef: 0 };
const MODEL = { config: FIXTURE_MODEL, modules: allModules(FIXTURE_MODEL).map((m) => m.name) };
const CHOICE: AllocationChoice = { strategy: 'vote', percentile: 50, scope: 'pooled', layerwise: [2, 4, 6, 8], budget: { kind: 'experts', value: 24, minExperts: 0, maxExperts: 4 } };

/** DESIGN §3.1 shared-a: r*d_in + n*r*d_out + (n > 1 ? n*d_in : 0), from the fixture's shapes. */
function formulaParams(map: Record<string, number>): number {
  return Object.entries(map).reduce((sum, [name, n]) => {
    const [dIn, dOut] = FIXTURE_SHAPES[parseModuleName(name)!.type];
    return sum + (n > 0 ? 4 * dIn + n * 4 * dOut + (n > 1 ? n * dIn : 0) : 0);
  }, 0);
}

describe('collectSensitivity', () => {
  const table = fixtureSensitivity();
  const view = collectSensitivity(table, 'probe run 20260301-101500-probe');

  it('has one heatmap per task, layers × module types, holding the raw values', () => {
    assert.deepEqual(view.tasks.map((t) => t.title), TASKS);
    const boolq = view.tasks[0];
    assert.deepEqual(boolq.layers, [0, 1, 2, 3]);
    assert.deepEqual(boolq.types, [...TYPES]);
    assert.equal(boolq.values[2][3], table.tasks.boolq['model.layers.2.self_attn.o_proj']);
    assert.equal(boolq.values[3][6], table.tasks.boolq['model.layers.3.mlp.down_proj']);
  });

  it('sums normalised shares over tasks', () => {
    const total = view.summed.values.flat().reduce<number>((a, v) => a + (v ?? 0), 0);
    assert.ok(Math.abs(total - TASKS.length) < 1e-9, `summed shares add up to ${total}`);
  });

  it('leaves cells of unmeasured modules empty and ignores names that are not modules', () => {
    const partial = collectHeatmap('x', { 'model.layers.1.self_attn.q_proj': 2, 'model.layers.0.mlp.up_proj': 4, 'lm_head': 9 });
    assert.deepEqual(partial.layers, [0, 1]);
    assert.deepEqual(partial.types, ['q_proj', 'up_proj']);
    assert.deepEqual(partial.values, [[null, 4], [2, null]]);
  });
});

describe('collectAllocation', () => {
  const { experts } = fixtureExperiment();

  it('stacks experts per layer by module type with the totals and parameters vs plain LoRA', () => {
    const view = collectAllocation({ title: 'file', map: experts, adapter: ADAPTER, model: MODEL });
    assert.deepEqual(view.layers, [0, 1, 2, 3]);
    assert.deepEqual(view.types, [...TYPES]);
    const perLayer = view.layers.map((_, l) => view.experts.reduce((a, row) => a + row[l], 0));
    assert.deepEqual(perLayer, [10, 5, 5, 4]);
    assert.equal(view.experts[TYPES.indexOf('v_proj')][0], 3);
    assert.equal(view.totalExperts, 24);
    assert.equal(view.modulesWithAdapters, 14);
    assert.equal(view.trainableParameters, formulaParams(experts));
    const perRank = 4 * Object.values(FIXTURE_SHAPES).reduce((a, [dIn, dOut]) => a + dIn + dOut, 0);
    assert.equal(view.plainLoraParameters, 4 * perRank);
    assert.ok(Math.abs((view.loraRankEquivalent ?? 0) - formulaParams(experts) / perRank) < 1e-9);
  });

  it('without a model: layers from the map, no parameter counts', () => {
    const view = collectAllocation({ title: 'file', map: { 'model.layers.2.self_attn.q_proj': 2 }, adapter: ADAPTER });
    assert.deepEqual(view.layers, [0, 1, 2]);
    assert.equal(view.trainableParameters, undefined);
    assert.equal(view.plainLoraParameters, undefined);
  });
});

describe('computeWhatIf', () => {
  const table = fixtureSensitivity();
  const inputs = { adapter: ADAPTER, choice: CHOICE, model: MODEL, table };

  it('starts from the file choice and fills an experts budget exactly', () => {
    const view = computeWhatIf(inputs, whatIfChoiceOf(CHOICE));
    assert.equal(view.error, undefined);
    assert.equal(view.result?.totalExperts, 24);
  });

  it('a different budget gives a different total at once', () => {
    const smaller = computeWhatIf(inputs, { ...whatIfChoiceOf(CHOICE), budgetValue: 12 });
    const larger = computeWhatIf(inputs, { ...whatIfChoiceOf(CHOICE), budgetValue: 40 });
    assert.equal(smaller.result?.totalExperts, 12);
    assert.equal(larger.result?.totalExperts, 40);
  });

  it('a parameter budget stays within the parameters of plain LoRA at that rank', () => {
    const view = computeWhatIf(inputs, { ...whatIfChoiceOf(CHOICE), strategy: 'uniform', budgetKind: 'loraRank', budgetValue: 4 });
    assert.ok(view.result && view.result.trainableParameters! <= view.result.plainLoraParameters!);
  });

  it('says what is missing instead of throwing (vote without a probe)', () => {
    const view = computeWhatIf({ ...inputs, table: undefined }, whatIfChoiceOf(CHOICE));
    assert.equal(view.result, undefined);
    assert.match(view.error ?? '', /Probe Sensitivity/);
  });
});
