import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateByVote, allocateExperts, voteFamily } from '../../../src/core/algo';
import { m, tableOf } from './helpers';

const MODS = [m(0, 'q_proj'), m(0, 'k_proj'), m(0, 'v_proj'), m(0, 'o_proj')];

describe('allocateByVote', () => {
  it('counts the tasks whose value is strictly above their percentile(100 - p) (hand-derived)', () => {
    // t1: [1,2,3,4] -> theta(40) = 2.2 -> votes v,o. t2: [4,3,2,1] -> votes q,k. t3: [1,10,1,1] -> theta 1 -> votes k.
    const table = tableOf(MODS, { t1: [1, 2, 3, 4], t2: [4, 3, 2, 1], t3: [1, 10, 1, 1] });
    assert.deepEqual(allocateByVote(table, MODS, { percentile: 60 }), { [MODS[0]]: 1, [MODS[1]]: 2, [MODS[2]]: 1, [MODS[3]]: 1 });
  });

  it('ties at the threshold do not vote (strict >)', () => {
    const table = tableOf(MODS, { t: [1, 2, 2, 3] });
    assert.deepEqual(allocateByVote(table, MODS, { percentile: 50 }), { [MODS[0]]: 0, [MODS[1]]: 0, [MODS[2]]: 0, [MODS[3]]: 1 });
  });

  it('all-equal values give no votes at any p', () => {
    const table = tableOf(MODS, { t: [5, 5, 5, 5], u: [0, 0, 0, 0] });
    for (const p of [0, 40, 60, 100]) assert.deepEqual(Object.values(allocateByVote(table, MODS, { percentile: p })), [0, 0, 0, 0]);
    assert.deepEqual(allocateExperts({ strategy: 'vote', table, candidates: MODS }).experts, {});
  });

  it('a task with one module never votes (its threshold is its value); others still do', () => {
    const table = { tasks: { lone: { [MODS[2]]: 9 }, full: { [MODS[0]]: 1, [MODS[1]]: 2, [MODS[2]]: 3, [MODS[3]]: 4 } } };
    assert.deepEqual(allocateByVote(table, MODS), { [MODS[0]]: 0, [MODS[1]]: 0, [MODS[2]]: 1, [MODS[3]]: 1 });
  });

  it('p = 100 votes for all but the minimum; p = 0 for none', () => {
    const table = tableOf(MODS, { t: [1, 2, 3, 4] });
    assert.deepEqual(Object.values(allocateByVote(table, MODS, { percentile: 100 })), [0, 1, 1, 1]);
    assert.deepEqual(Object.values(allocateByVote(table, MODS, { percentile: 0 })), [0, 0, 0, 0]);
    assert.throws(() => allocateByVote(table, MODS, { percentile: 120 }), RangeError);
  });

  it('per-type thresholds compare each module only with its own type', () => {
    const mods = [m(0, 'q_proj'), m(1, 'q_proj'), m(0, 'down_proj'), m(1, 'down_proj')];
    const table = tableOf(mods, { t: [1, 2, 100, 200] });
    assert.deepEqual(Object.values(allocateByVote(table, mods, { percentile: 50, scope: 'pooled' })), [0, 0, 1, 1]);
    assert.deepEqual(Object.values(allocateByVote(table, mods, { percentile: 50, scope: 'per-type' })), [0, 1, 0, 1]);
  });

  it('voteFamily is monotone in p', () => {
    const table = tableOf(MODS, { a: [3, 1, 4, 1.5], b: [9, 2, 6, 5] });
    const family = voteFamily(table, MODS);
    let previous = -1;
    for (let p = 0; p <= 100; p += 5) {
      const total = Object.values(family(p)).reduce((x, y) => x + y, 0);
      assert.ok(total >= previous);
      previous = total;
    }
  });
});
