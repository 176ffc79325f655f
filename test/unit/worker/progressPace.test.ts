// The worker's progress pacing: a new phase at once, bursts thinned to one message per interval, the newest kept.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProgressEvent } from '../../../src/core/runFolder/context';
import { ProgressPace } from '../../../src/worker/progressPace';

test('a burst of steps becomes one message per interval, the newest one; a phase change and the flush go at once', async () => {
  let now = 0;
  const sent: ProgressEvent[] = [];
  const pace = new ProgressPace((p) => sent.push(p), 50, () => now);
  const step = (done: number, phase = 'train'): ProgressEvent => ({ phase, done, total: 1000 });
  pace.report(step(1, 'load model'));
  pace.report(step(1));
  assert.deepEqual(sent.map((p) => [p.phase, p.done]), [['load model', 1], ['train', 1]], 'a new phase is not held back');
  for (let done = 2; done <= 200; done++) { now += 1; pace.report(step(done)); }
  // 199 steps over 199 ms: one message per 50 ms, each the newest at the time it was sent.
  assert.ok(sent.length >= 5 && sent.length <= 7, `${sent.length} messages`);
  assert.deepEqual(sent.slice(2).map((p) => p.done), [51, 101, 151]);
  pace.flush();
  assert.equal(sent.at(-1)?.done, 200, 'the last step is sent before the job ends');
  const count = sent.length;
  pace.flush();
  assert.equal(sent.length, count, 'nothing is sent twice');
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(sent.length, count, 'no timer left behind');
});
