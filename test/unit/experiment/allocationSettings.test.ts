import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { changedSettings } from '../../../src/core/experiment/allocationSettings';
import type { AllocationChoice } from '../../../src/core/experiment/planner';

const base: AllocationChoice = {
  strategy: 'vote', percentile: 60, scope: 'pooled', layerwise: [2, 4, 6, 8],
  budget: { kind: 'none', minExperts: 0, maxExperts: 8 },
};

describe('settings written with an allocation', () => {
  it('writes nothing when the choice is the file\'s own', () => {
    assert.deepEqual(changedSettings(base, structuredClone(base)), []);
  });

  it('writes the strategy, threshold and budget that changed', () => {
    const after: AllocationChoice = { ...base, percentile: 40, budget: { ...base.budget, kind: 'loraRank', value: 16 } };
    assert.deepEqual(changedSettings(base, after), [
      { path: ['allocation', 'percentile'], value: 40 },
      { path: ['budget', 'kind'], value: 'loraRank' },
      { path: ['budget', 'value'], value: 16 },
    ]);
  });

  it('writes a baseline strategy with its own knob, not the vote threshold', () => {
    const after: AllocationChoice = { ...base, strategy: 'layerwise', layerwise: [1, 2, 3, 4] };
    assert.deepEqual(changedSettings(base, after), [
      { path: ['allocation', 'strategy'], value: 'layerwise' },
      { path: ['allocation', 'layerwise'], value: [1, 2, 3, 4] },
    ]);
  });
});
