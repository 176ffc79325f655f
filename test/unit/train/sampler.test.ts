import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { MultiTaskSampler, taskWeights } from '../../../src/core/train/sampler';

test('sampler: proportional to size by default, to configured weights otherwise', () => {
  assert.deepEqual(taskWeights([10, 30], [undefined, undefined]), [10, 30]);
  assert.deepEqual(taskWeights([10, 30], [2, undefined]), [2, 1]);
  const sampler = new MultiTaskSampler(7, [100, 300], [100, 300]);
  const counts = [0, 0];
  for (const { task } of sampler.draw(4000)) counts[task] += 1;
  assert.ok(Math.abs(counts[1] / 4000 - 0.75) < 0.03, `task 1 share ${counts[1] / 4000}`);
});

test('sampler: every example once per pass, in a shuffled order that changes between passes', () => {
  const sampler = new MultiTaskSampler(3, [8], [1]);
  const first = sampler.draw(8).map((s) => s.example);
  const second = sampler.draw(8).map((s) => s.example);
  assert.deepEqual([...first].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...second].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.notDeepEqual(first, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.notDeepEqual(first, second);
});

test('sampler: a restored state continues the same sequence; the seed changes it', () => {
  const a = new MultiTaskSampler(11, [5, 7, 3], [1, 2, 1]);
  a.draw(13);
  const saved = JSON.parse(JSON.stringify(a.save()));
  const rest = a.draw(20);
  const b = new MultiTaskSampler(11, [5, 7, 3], [1, 2, 1], saved);
  assert.deepEqual(b.draw(20), rest);
  const c = new MultiTaskSampler(12, [5, 7, 3], [1, 2, 1]);
  assert.notDeepEqual(c.draw(20), new MultiTaskSampler(11, [5, 7, 3], [1, 2, 1]).draw(20));
});

test('sampler: empty tasks and mismatched checkpoints are refused', () => {
  assert.throws(() => new MultiTaskSampler(1, [0], [1]), /task 0 has no training examples/);
  const state = new MultiTaskSampler(1, [2, 2], [1, 1]).save();
  assert.throws(() => new MultiTaskSampler(1, [2], [1], state), /checkpoint has 2 tasks/);
});
