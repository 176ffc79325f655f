// The tree's refresh spacing: a keyed throttle, and one batched change event per interval (VS Code debounces them).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefreshBatch, Throttle } from '../../../src/views/throttle';

describe('Throttle', () => {
  it('runs the first request at once and one trailing call for a burst, per key', async () => {
    const calls: string[] = [];
    const throttle = new Throttle<string>(40, (key) => calls.push(key));
    throttle.request('a');
    throttle.request('a');
    throttle.request('a');
    throttle.request('b');
    assert.deepEqual(calls, ['a', 'b']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(calls, ['a', 'b', 'a']);
    throttle.now('a');
    assert.deepEqual(calls, ['a', 'b', 'a', 'a']);
    throttle.dispose();
  });
});

describe('RefreshBatch', () => {
  it('sends the first request at once, then every row asked for in one event per interval; undefined means all', async () => {
    const events: (string[] | undefined)[] = [];
    const batch = new RefreshBatch<string>(40, (rows) => events.push(rows));
    batch.request('a');
    batch.request('b');
    batch.request('c');
    batch.request('b');
    assert.deepEqual(events, [['a']]);
    await new Promise((resolve) => setTimeout(resolve, 70));
    assert.deepEqual(events, [['a'], ['b', 'c']]);
    batch.request('d');
    batch.request(undefined);
    await new Promise((resolve) => setTimeout(resolve, 70));
    assert.deepEqual(events, [['a'], ['b', 'c'], undefined]);
    batch.dispose();
  });

  it('never sends two events closer than the interval, whatever the mix of sources', async () => {
    const times: number[] = [];
    const batch = new RefreshBatch<number>(30, () => times.push(Date.now()));
    for (let i = 0; i < 40; i++) {
      batch.request(i % 3 === 0 ? undefined : i);
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    batch.dispose();
    assert.ok(times.length >= 3, `only ${times.length} events`);
    // A timer may fire a millisecond early; the point is no burst of events within VS Code's debounce.
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 28, `events ${times[i] - times[i - 1]} ms apart`);
  });
});
